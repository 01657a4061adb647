// Starts the real kestrel binary on a project made by the real kestrel-cli, inside the X
// server that xvfb-run provides, and checks the screenshot it saves is a rendered window
// with the demo's thumbnails in its grid. The drawing test runs the same window in this
// process, wired as main() wires it, so the mouse can reach its viewer.
#include "annotation_actions.h"
#include "annotation_controller.h"
#include "annotation_editor.h"
#include "annotation_wiring.h"
#include "dataset_export_controller.h"
#include "image_service.h"
#include "image_viewer.h"
#include "main_window.h"
#include "project_controller.h"
#include "sample_browser.h"
#include "store/annotation_repository.h"
#include "store/sqlite.h"
#include "task_manager.h"
#include "workbench_wiring.h"

#include <memory>

#include <QCoreApplication>
#include <QDir>
#include <QImage>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

// A demo project made by the real kestrel-cli; empty when that failed.
QString makeDemoProject(const QTemporaryDir& dir, const QString& name) {
    const QString project = dir.filePath(name);
    QProcess cli;
    cli.start(KESTREL_CLI_PATH, {"init", project, "--demo"});
    if (!cli.waitForFinished(60000) || cli.exitCode() != 0) {
        return {};
    }
    return project;
}

// Runs the real kestrel in a real window (xcb), with settings of its own; "" when it exited
// 0, else what it said on stderr.
QString runKestrel(const QTemporaryDir& dir, const QStringList& arguments, int timeoutMs) {
    QProcess gui;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "xcb");                       // a real window, not offscreen
    env.insert("XDG_CONFIG_HOME", dir.filePath("config"));      // no settings from the host
    env.insert("KESTREL_WEIGHTS_DIR", dir.filePath("weights")); // none: as on a new machine
    env.insert("KESTREL_LOG_DIR", dir.filePath("logs"));        // not the user's log
    gui.setProcessEnvironment(env);
    gui.start(KESTREL_GUI_PATH, arguments);
    if (!gui.waitForFinished(timeoutMs)) {
        return "kestrel did not finish in time";
    }
    const QString errors = QString::fromLocal8Bit(gui.readAllStandardError());
    return gui.exitCode() == 0 ? QString()
                               : errors + " (exit " + QString::number(gui.exitCode()) + ")";
}

// A blank or black frame has a handful of colours; text, widgets and curves have many.
int colourCount(const QImage& image) {
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2) {
        for (int x = 0; x < image.width(); x += 2) {
            colours.insert(image.pixel(x, y));
        }
    }
    return static_cast<int>(colours.size());
}

// The window as main() wires its project, images and shapes, open on `project` with its first
// sample's image and shapes shown.
struct DrawingWindow {
    std::unique_ptr<kestrel::widgets::MainWindow> window =
        std::make_unique<kestrel::widgets::MainWindow>();
    std::unique_ptr<kestrel::app::ProjectController> controller =
        std::make_unique<kestrel::app::ProjectController>();
    std::unique_ptr<kestrel::app::ImageService> images =
        std::make_unique<kestrel::app::ImageService>();
    std::unique_ptr<kestrel::app::TaskManager> tasks =
        std::make_unique<kestrel::app::TaskManager>();
    std::unique_ptr<kestrel::app::AnnotationController> annotations =
        std::make_unique<kestrel::app::AnnotationController>(*controller);
    std::unique_ptr<kestrel::app::DatasetExportController> exports =
        std::make_unique<kestrel::app::DatasetExportController>(*controller, *tasks);

    DrawingWindow() {
        kestrel::app::wireWorkbench(*window, *controller, *images);
        kestrel::app::wireAnnotations(*window, *annotations, *exports);
        window->resize(1200, 760);
        window->show();
    }
    // As the window closes: what was asked of the writer is written before it stops.
    ~DrawingWindow() {
        window->close();
        exports.reset();
        annotations.reset();
        tasks.reset();
        controller.reset();
        images.reset();
        window.reset();
    }
    bool open(const QString& project) {
        emit window->openProjectRequested(project);
        auto* actions = window->annotations();
        return QTest::qWaitFor(
            [&] {
                return actions->shownSample() != 0 &&
                       actions->shownSample() == window->browser()->currentSampleId() &&
                       !window->viewer()->image().isNull();
            },
            30000);
    }
};

} // namespace

class MainWindowE2eTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true); // the in-process window's settings
        QCoreApplication::setOrganizationName("KestrelE2eTests");
    }

    // A box dragged with the mouse on the viewer's canvas (the box tool, W) is in the project
    // after the window has closed, and shows again when the project is opened anew.
    void drawsABoxThatOutlivesTheWindow() {
        QVERIFY2(!qEnvironmentVariableIsEmpty("DISPLAY"), "run me under xvfb-run");
        QTemporaryDir dir;
        const QString project = makeDemoProject(dir, "Drawing demo");
        QVERIFY(!project.isEmpty());

        std::int64_t sample = 0;
        kestrel::annotations::Box drawn;
        {
            DrawingWindow app;
            QVERIFY(QTest::qWaitForWindowExposed(app.window.get()));
            // Shortcuts reach the active window only; Xvfb has no window manager to activate it.
            app.window->activateWindow();
            QVERIFY(QTest::qWaitForWindowActive(app.window.get()));
            QVERIFY(app.open(project));
            sample = app.window->annotations()->shownSample();
            auto* viewer = app.window->viewer();
            auto* canvas = viewer->findChild<QWidget*>("imageCanvas");
            QVERIFY(canvas);
            QTest::keyClick(app.window.get(), Qt::Key_W);
            QCOMPARE(viewer->annotations()->tool(), kestrel::widgets::AnnotationTool::Box);

            const QSize size = viewer->image().size();
            const QPoint from =
                viewer->imageToWidget(QPointF(size.width() * 0.25, size.height() * 0.25)).toPoint();
            const QPoint to =
                viewer->imageToWidget(QPointF(size.width() * 0.6, size.height() * 0.5)).toPoint();
            QSignalSpy changed(app.annotations.get(),
                               &kestrel::app::AnnotationController::shapesChanged);
            QTest::mousePress(canvas, Qt::LeftButton, Qt::NoModifier, from);
            for (int step = 1; step <= 8; ++step) {
                QTest::mouseMove(canvas, from + (to - from) * step / 8);
            }
            QTest::mouseRelease(canvas, Qt::LeftButton, Qt::NoModifier, to);
            QVERIFY2(changed.wait(10000), "the box never reached the store");
            QCOMPARE(viewer->annotations()->shapes().size(), std::size_t{1});
            drawn = viewer->annotations()->shapes()[0].box;
            QVERIFY(drawn.width > size.width() * 0.2 && drawn.height > size.height() * 0.15);
        } // the window closes

        {
            kestrel::store::Database db(QDir(project).filePath("project.kestrel").toStdString(),
                                        kestrel::store::Database::Mode::ReadWrite);
            const auto shapes = kestrel::store::AnnotationRepository(db).shapesOf(sample);
            QCOMPARE(shapes.size(), std::size_t{1});
            QCOMPARE(shapes[0].kind, kestrel::annotations::ShapeKind::Box);
            QCOMPARE(shapes[0].box, drawn);
        }

        DrawingWindow again;
        QVERIFY(again.open(project));
        QCOMPARE(again.window->annotations()->shownSample(), sample);
        const auto& shown = again.window->viewer()->annotations()->shapes();
        QCOMPARE(shown.size(), std::size_t{1});
        QCOMPARE(shown[0].box, drawn);
    }

    void opensAProjectAndRendersTheWindow() {
        QVERIFY2(!qEnvironmentVariableIsEmpty("DISPLAY"), "run me under xvfb-run");
        QTemporaryDir dir;
        const QString project = makeDemoProject(dir, "Inspection demo");
        QVERIFY(!project.isEmpty());

        QDir().mkpath(KESTREL_SCREENSHOT_DIR);
        const QString shot = QString(KESTREL_SCREENSHOT_DIR) + "/main-window.png";
        QFile::remove(shot);
        const QString failure = runKestrel(dir, {project, "--screenshot", shot}, 90000);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));

        QImage image(shot);
        QVERIFY2(!image.isNull(), qPrintable(shot));
        QVERIFY(image.width() >= 600 && image.height() >= 400);
        QVERIFY2(colourCount(image) > 16, qPrintable(QString::number(colourCount(image))));

        // The first grid cell (top left, below the filter bar) shows the first demo image
        // once its thumbnail arrived: brushed metal has dozens of gray levels, where the
        // placeholder is one flat colour. Text is left out: its anti-aliasing is gray too.
        QSet<int> grays;
        for (int y = 100; y < 190; ++y) {
            for (int x = 20; x < 110; ++x) {
                const QRgb pixel = image.pixel(x, y);
                if (qRed(pixel) == qGreen(pixel) && qGreen(pixel) == qBlue(pixel)) {
                    grays.insert(qGray(pixel));
                }
            }
        }
        QVERIFY2(grays.size() > 20, qPrintable(QString::number(grays.size())));
    }

    // The demo trained for two epochs through the Training tab (kestrel --train starts the
    // run as the Start button does): the run completes, the CLI sees it, and the screenshot
    // of the live view is kept for the README.
    void trainsTheDemoFromTheWindow() {
        QVERIFY2(!qEnvironmentVariableIsEmpty("DISPLAY"), "run me under xvfb-run");
        QTemporaryDir dir;
        const QString project = makeDemoProject(dir, "Training demo");
        QVERIFY(!project.isEmpty());

        QDir().mkpath(KESTREL_SCREENSHOT_DIR);
        const QString shot = QString(KESTREL_SCREENSHOT_DIR) + "/training.png";
        QFile::remove(shot);
        const QString failure =
            runKestrel(dir, {project, "--train", "2", "--screenshot", shot}, 300000);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));

        QProcess cli;
        cli.start(KESTREL_CLI_PATH, {"runs", project, "--json"});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        const QString runs = QString::fromUtf8(cli.readAllStandardOutput());
        QVERIFY2(runs.contains("\"status\":\"completed\""), qPrintable(runs));

        // The window's log: its start, the run's start and end, its close.
        QFile log(dir.filePath("logs/kestrel.log"));
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QString logged = QString::fromUtf8(log.readAll());
        for (const QString& expected :
             {QString("kestrel["), QString("The window started (Kestrel "),
              "Run 1 of " + project + " started: classification", QString("ended: completed"),
              QString("The window closed.")}) {
            QVERIFY2(logged.contains(expected), qPrintable(expected + "\n" + logged));
        }

        QImage image(shot);
        QVERIFY2(!image.isNull(), qPrintable(shot));
        // Curves and the matrix: far more colours than an empty tab.
        QVERIFY2(colourCount(image) > 64, qPrintable(QString::number(colourCount(image))));
    }

    // An anomaly detector fitted on the demo's good parts through the Training tab (kestrel
    // --task anomaly --train 0 chooses the task and presses Start with the form's defaults):
    // the run completes as an anomaly run and the live view shows its matrix and histogram.
    void fitsAnAnomalyDetectorFromTheWindow() {
        QVERIFY2(!qEnvironmentVariableIsEmpty("DISPLAY"), "run me under xvfb-run");
        QTemporaryDir dir;
        const QString project = makeDemoProject(dir, "Anomaly demo");
        QVERIFY(!project.isEmpty());

        QDir().mkpath(KESTREL_SCREENSHOT_DIR);
        const QString shot = QString(KESTREL_SCREENSHOT_DIR) + "/anomaly.png";
        QFile::remove(shot);
        const QString failure = runKestrel(
            dir, {project, "--task", "anomaly", "--train", "0", "--screenshot", shot}, 300000);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));

        QProcess cli;
        cli.start(KESTREL_CLI_PATH, {"eval", project, "--run", "1", "--json"});
        QVERIFY(cli.waitForFinished(120000));
        QCOMPARE(cli.exitCode(), 0);
        const QString figures = QString::fromUtf8(cli.readAllStandardOutput());
        QVERIFY2(figures.contains("\"task\":\"anomaly\""), qPrintable(figures));
        QVERIFY2(figures.contains("\"image_auroc\""), qPrintable(figures));

        QImage image(shot);
        QVERIFY2(!image.isNull(), qPrintable(shot));
        QVERIFY2(colourCount(image) > 64, qPrintable(QString::number(colourCount(image))));
    }
};

QTEST_MAIN(MainWindowE2eTest)
#include "main_window_e2e_test.moc"
