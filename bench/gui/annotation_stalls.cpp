// GUI-thread stalls while editing 1,000 shapes on one image in the window: the real window,
// controllers and wiring as main() has them, a project of one 2000x1500 image carrying 700
// boxes, 250 polygons and 50 masks, and a 1 ms timer probe on the GUI thread. Phases: open
// (until the editor shows every shape), select (clicks on shapes), drag-move (a selected box
// dragged, each drag saved), nudge (arrow keys, each saved), zoom (in and out, repainted) and
// paint (brush strokes, each saved). Run by hand through bench/annotation_bench.sh; it
// prints figures against the 16 ms budget, it is not a test.
#include "annotation_actions.h"
#include "annotation_controller.h"
#include "annotation_editor.h"
#include "annotation_wiring.h"
#include "dataset/importer.h"
#include "dataset_export_controller.h"
#include "image_service.h"
#include "image_viewer.h"
#include "main_window.h"
#include "project/project.h"
#include "project_controller.h"
#include "sample_browser.h"
#include "stall_probe.h"
#include "store/annotation_repository.h"
#include "store/sqlite.h"
#include "task_manager.h"
#include "timing.h"
#include "workbench_wiring.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace kestrel;
using annotations::Shape;
using annotations::ShapeKind;

namespace {

constexpr int kWidth = 2000;
constexpr int kHeight = 1500;
constexpr int kColumns = 40; // shapes on a 40 x 25 grid of 50 x 60 pixel cells
constexpr int kRows = 25;

// A mask of the image's size with one set square, run-length encoded down the columns.
annotations::RleMask squareMask(int x0, int y0, int side) {
    annotations::RleMask mask{kWidth, kHeight, {}};
    mask.counts.push_back(static_cast<std::uint32_t>(x0 * kHeight + y0));
    for (int column = 0; column < side; ++column) {
        mask.counts.push_back(static_cast<std::uint32_t>(side));
        const bool last = column == side - 1;
        const int zeros =
            last ? (kWidth - x0 - side) * kHeight + (kHeight - y0 - side) : kHeight - side;
        mask.counts.push_back(static_cast<std::uint32_t>(zeros));
    }
    return mask;
}

// Cell i's shape: boxes, then polygons (octagons), then masks.
Shape shapeInCell(int i, std::int64_t classId) {
    const double x = (i % kColumns) * 50.0 + 8;
    const double y = (i / kColumns) * 60.0 + 8;
    Shape shape;
    shape.classId = classId;
    if (i < 700) {
        shape.kind = ShapeKind::Box;
        shape.box = {x, y, 34, 40};
    } else if (i < 950) {
        shape.kind = ShapeKind::Polygon;
        for (int k = 0; k < 8; ++k) {
            const double angle = k * 3.14159265 / 4;
            shape.points.push_back({x + 17 + 16 * std::cos(angle), y + 20 + 18 * std::sin(angle)});
        }
    } else {
        shape.kind = ShapeKind::Mask;
        shape.mask = squareMask(static_cast<int>(x), static_cast<int>(y), 30);
    }
    return shape;
}

QPointF cellCentre(int i) {
    return {(i % kColumns) * 50.0 + 25, (i / kColumns) * 60.0 + 28};
}

// A project of one gray image with 1,000 shapes on it, built in `folder`.
void buildProject(const std::filesystem::path& folder) {
    const std::filesystem::path source = folder.parent_path() / "source";
    std::filesystem::create_directories(source / "defect");
    QImage image(kWidth, kHeight, QImage::Format_Grayscale8);
    for (int y = 0; y < kHeight; ++y) {
        uchar* line = image.scanLine(y);
        for (int x = 0; x < kWidth; ++x) {
            line[x] = static_cast<uchar>((x / 7 + y / 5) % 200 + 30);
        }
    }
    image.save(QString::fromStdString((source / "defect" / "plate.png").string()));
    Project project = Project::create(folder, "Annotation bench");
    dataset::importSource(project, source, {});
    const std::int64_t sample = project.database().queryInt("SELECT MIN(id) FROM samples");
    const std::int64_t classId = project.database().queryInt("SELECT MIN(id) FROM classes");
    store::AnnotationRepository shapes(project.database());
    store::Transaction transaction(project.database());
    for (int i = 0; i < kColumns * kRows; ++i) {
        shapes.insert(sample, shapeInCell(i, classId));
    }
    transaction.commit();
}

void send(QWidget* target, QEvent::Type type, const QPointF& at, Qt::MouseButtons buttons) {
    const Qt::MouseButton button = type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton;
    QMouseEvent event(type, at, target->mapToGlobal(at), button, buttons, Qt::NoModifier);
    QApplication::sendEvent(target, &event);
}

void print(const bench::StallStats& stats) {
    std::printf("%-12s %6.2f s  max %6.1f ms  p99 %5.2f ms  p95 %5.2f ms  >16 ms: %zu  %s\n",
                qPrintable(stats.phase), stats.seconds, stats.max, stats.p99, stats.p95,
                stats.overBudget, stats.max <= bench::kStallBudgetMs ? "ok" : "OVER BUDGET");
}

} // namespace

int main(int argc, char** argv) {
    QApplication application(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // never the user's settings
    QCoreApplication::setOrganizationName("KestrelBench");
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "GUI-thread stalls while editing 1,000 shapes on one image in the window.");
    parser.addHelpOption();
    const QCommandLineOption jsonOption("json", "One JSON object on stdout.");
    parser.addOption(jsonOption);
    parser.process(application);

    QTemporaryDir dir;
    const std::filesystem::path folder = dir.filePath("project").toStdString();
    buildProject(folder);
    QSettings().clear();

    widgets::MainWindow window;
    app::ProjectController projects;
    app::ImageService images;
    app::TaskManager tasks;
    app::AnnotationController annotations(projects);
    app::DatasetExportController exports(projects, tasks);
    app::wireWorkbench(window, projects, images);
    app::wireAnnotations(window, annotations, exports);
    window.resize(1280, 800);
    window.show();
    bench::runFor(300);

    widgets::AnnotationEditor* editor = window.viewer()->annotations();
    widgets::ImageViewer* viewer = window.viewer();
    QWidget* canvas = viewer->findChild<QWidget*>("imageCanvas");
    std::vector<bench::StallStats> phases;
    bench::StallProbe probe;
    int saved = 0;
    QObject::connect(&annotations, &app::AnnotationController::shapesChanged, &window,
                     [&saved] { ++saved; });
    auto waitForSaves = [&saved](int count) {
        return bench::waitUntil([&] { return saved >= count; }, 20000);
    };
    auto canvasPoint = [viewer](const QPointF& imagePoint) {
        return viewer->imageToWidget(imagePoint);
    };

    // Open: from the request to the editor showing every shape over the image.
    QElapsedTimer opening;
    opening.start();
    probe.begin();
    emit window.openProjectRequested(QString::fromStdString(folder.string()));
    const bool opened = bench::waitUntil(
        [&] { return editor->shapes().size() == 1000 && !viewer->image().isNull(); }, 60000);
    const double openMs = bench::msSince(opening);
    phases.push_back(probe.end("open"));
    if (!opened) {
        std::fprintf(stderr, "The project's 1,000 shapes never showed in the viewer.\n");
        return 1;
    }
    bench::runFor(200);

    // Select: clicks on shapes with the select tool.
    editor->setTool(widgets::AnnotationTool::Select);
    probe.begin();
    for (int i = 0; i < 100; ++i) {
        const QPointF at = canvasPoint(cellCentre((i * 37) % 1000));
        send(canvas, QEvent::MouseButtonPress, at, Qt::LeftButton);
        send(canvas, QEvent::MouseButtonRelease, at, Qt::NoButton);
        bench::runFor(10);
    }
    phases.push_back(probe.end("select"));

    // Drag-move: a box pressed, dragged 60 screen pixels in 30 steps, released and saved.
    probe.begin();
    for (int drag = 0; drag < 5; ++drag) {
        const QPointF start = canvasPoint(cellCentre(drag * 41));
        send(canvas, QEvent::MouseButtonPress, start, Qt::LeftButton);
        for (int step = 1; step <= 30; ++step) {
            send(canvas, QEvent::MouseMove, start + QPointF(2.0 * step, step), Qt::LeftButton);
            bench::runFor(8);
        }
        send(canvas, QEvent::MouseButtonRelease, start + QPointF(60, 30), Qt::NoButton);
        waitForSaves(saved + 1);
    }
    phases.push_back(probe.end("drag-move"));

    // Nudge: arrow keys on a selected shape, each step saved.
    const std::int64_t nudged = editor->shapes().at(500).id;
    editor->setSelectedIds({nudged});
    canvas->setFocus();
    probe.begin();
    for (int press = 0; press < 40; ++press) {
        const int before = saved;
        QKeyEvent key(QEvent::KeyPress, press % 2 ? Qt::Key_Left : Qt::Key_Right, Qt::NoModifier);
        QApplication::sendEvent(viewer, &key);
        waitForSaves(before + 1);
        bench::runFor(15);
    }
    phases.push_back(probe.end("nudge"));

    // Zoom: in and out at the view's centre, each repainted.
    probe.begin();
    for (int i = 0; i < 40; ++i) {
        i < 20 ? viewer->zoomIn() : viewer->zoomOut();
        bench::runFor(20);
    }
    viewer->fitToWindow();
    phases.push_back(probe.end("zoom"));

    // Paint: brush strokes, each a new mask saved.
    editor->setCurrentClass(editor->shapes().front().classId);
    editor->setTool(widgets::AnnotationTool::Brush);
    editor->setBrushSize(24);
    probe.begin();
    for (int stroke = 0; stroke < 5; ++stroke) {
        const int before = saved;
        const QPointF start = canvasPoint(QPointF(100 + stroke * 300, 700));
        send(canvas, QEvent::MouseButtonPress, start, Qt::LeftButton);
        for (int step = 1; step <= 40; ++step) {
            send(canvas, QEvent::MouseMove, start + QPointF(3.0 * step, 1.5 * step),
                 Qt::LeftButton);
            bench::runFor(8);
        }
        send(canvas, QEvent::MouseButtonRelease, start + QPointF(120, 60), Qt::NoButton);
        waitForSaves(before + 1);
    }
    phases.push_back(probe.end("paint"));

    bool pass = true;
    for (const auto& stats : phases) {
        pass = pass && stats.max <= bench::kStallBudgetMs;
    }
    if (parser.isSet(jsonOption)) {
        QJsonObject phasesJson;
        for (const auto& stats : phases) {
            phasesJson[stats.phase] = stats.toJson();
        }
        const QJsonObject out{{"shapes", 1000},
                              {"open_ms", openMs},
                              {"edits_saved", saved},
                              {"phases", phasesJson},
                              {"budget_ms", bench::kStallBudgetMs},
                              {"pass", pass}};
        std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    } else {
        std::printf("1,000 shapes on one %dx%d image; open to shapes shown: %.0f ms; %d edits "
                    "saved\n",
                    kWidth, kHeight, openMs, saved);
        for (const auto& stats : phases) {
            print(stats);
        }
        std::printf("budget %.0f ms per stall: %s\n", bench::kStallBudgetMs,
                    pass ? "met" : "NOT met");
    }
    window.close();
    return 0;
}
