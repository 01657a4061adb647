// Starts the real kestrel binary on a project made by the real kestrel-cli, inside the X
// server that xvfb-run provides, and checks the screenshot it saves is a rendered window
// with the demo's thumbnails in its grid.
#include <QDir>
#include <QImage>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

class MainWindowE2eTest : public QObject {
    Q_OBJECT

private slots:
    void opensAProjectAndRendersTheWindow() {
        QVERIFY2(!qEnvironmentVariableIsEmpty("DISPLAY"), "run me under xvfb-run");
        QTemporaryDir dir;
        const QString project = dir.filePath("Inspection demo");

        QProcess cli;
        cli.start(KESTREL_CLI_PATH, {"init", project, "--demo"});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);

        QDir().mkpath(KESTREL_SCREENSHOT_DIR);
        const QString shot = QString(KESTREL_SCREENSHOT_DIR) + "/main-window.png";
        QFile::remove(shot);
        QProcess gui;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "xcb");                  // a real window, not offscreen
        env.insert("XDG_CONFIG_HOME", dir.filePath("config")); // no settings from the host
        gui.setProcessEnvironment(env);
        gui.start(KESTREL_GUI_PATH, {project, "--screenshot", shot});
        QVERIFY(gui.waitForFinished(90000));
        QVERIFY2(gui.exitCode() == 0, gui.readAllStandardError().constData());

        QImage image(shot);
        QVERIFY2(!image.isNull(), qPrintable(shot));
        QVERIFY(image.width() >= 600 && image.height() >= 400);
        // A blank or black frame has a handful of colours; text and widgets have many.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 2) {
            for (int x = 0; x < image.width(); x += 2) {
                colours.insert(image.pixel(x, y));
            }
        }
        QVERIFY2(colours.size() > 16, qPrintable(QString::number(colours.size())));

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
        const QString project = dir.filePath("Training demo");
        QProcess cli;
        cli.start(KESTREL_CLI_PATH, {"init", project, "--demo"});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);

        const QString shot = QString(KESTREL_SCREENSHOT_DIR) + "/training.png";
        QFile::remove(shot);
        QProcess gui;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "xcb");
        env.insert("XDG_CONFIG_HOME", dir.filePath("config"));
        gui.setProcessEnvironment(env);
        gui.start(KESTREL_GUI_PATH, {project, "--train", "2", "--screenshot", shot});
        QVERIFY(gui.waitForFinished(300000));
        QVERIFY2(gui.exitCode() == 0, gui.readAllStandardError().constData());

        cli.start(KESTREL_CLI_PATH, {"runs", project, "--json"});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        const QString runs = QString::fromUtf8(cli.readAllStandardOutput());
        QVERIFY2(runs.contains("\"status\":\"completed\""), qPrintable(runs));

        QImage image(shot);
        QVERIFY2(!image.isNull(), qPrintable(shot));
        // Curves and the matrix: far more colours than an empty tab.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 2) {
            for (int x = 0; x < image.width(); x += 2) {
                colours.insert(image.pixel(x, y));
            }
        }
        QVERIFY2(colours.size() > 64, qPrintable(QString::number(colours.size())));
    }
};

QTEST_GUILESS_MAIN(MainWindowE2eTest)
#include "main_window_e2e_test.moc"
