// GUI responsiveness benchmark: opens a large project in the real workbench window (window,
// controller and image service wired as main() wires them) and measures how long the grid
// takes to appear, and how long the GUI thread stalls while scripted scrolling, labelling and
// filtering run. Run by hand through bench/gui_bench.sh; it prints figures, it is not a test.
#include "dataset/importer.h"
#include "dataset/sample_catalog.h"
#include "image_service.h"
#include "labelling_controller.h"
#include "main_window.h"
#include "project/project.h"
#include "project/project_summary.h"
#include "project_controller.h"
#include "sample_browser.h"
#include "sample_model.h"
#include "store/sqlite.h"
#include "workbench_wiring.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <QApplication>
#include <QComboBox>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QListView>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>
#include <QUndoStack>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace fs = std::filesystem;
using kestrel::app::ImageService;
using kestrel::app::ProjectController;
using kestrel::widgets::MainWindow;
using kestrel::widgets::SampleModel;

namespace {

constexpr double kStallBudgetMs = 16.0; // one frame at 60 Hz
constexpr double kOpenBudgetMs = 1000.0;
constexpr int kProbeIntervalMs = 1;
constexpr int kImageSide = 64;
constexpr const char* kClassNames[] = {"ok", "scratch", "dent", "stain"};
constexpr int kClassCount = 4;

double msSince(const QElapsedTimer& clock) {
    return static_cast<double>(clock.nsecsElapsed()) / 1e6;
}

const char* verdict(double value, double budget) {
    return value <= budget ? "PASS" : "OVER";
}

// ---------------------------------------------------------------------------------------------
// Building the project (once; later runs reuse it)

// Prints "what: 30% (done/total)" each time another tenth is done.
class TenthsReporter {
public:
    void update(const std::string& what, std::size_t done, std::size_t total) {
        if (what != what_) {
            what_ = what;
            lastTenth_ = -1;
        }
        if (total == 0) {
            return;
        }
        const int tenth = static_cast<int>(done * 10 / total);
        if (tenth != lastTenth_) {
            lastTenth_ = tenth;
            std::fprintf(stderr, "  %s: %d%% (%zu/%zu)\n", what_.c_str(), tenth * 10, done, total);
        }
    }

private:
    std::string what_;
    int lastTenth_ = -1;
};

// Every image differs (the index is written in binary along the first row) so none is
// flagged as a duplicate, and they are small so the grid's cost, not decoding, dominates.
void writeImages(const fs::path& folder, int count) {
    TenthsReporter report;
    for (const char* name : kClassNames) {
        fs::create_directories(folder / name);
    }
    cv::Mat image(kImageSide, kImageSide, CV_8UC1);
    for (int i = 0; i < count; ++i) {
        const int cls = i % kClassCount;
        char fileName[64];
        std::snprintf(fileName, sizeof fileName, "%s_%06d.png", kClassNames[cls], i);
        const fs::path file = folder / kClassNames[cls] / fileName;
        if (!fs::exists(file)) {
            for (int y = 0; y < kImageSide; ++y) {
                for (int x = 0; x < kImageSide; ++x) {
                    image.at<std::uint8_t>(y, x) = static_cast<std::uint8_t>(
                        (x * (1 + i % 7) + y * (1 + i / 7 % 5) + i * 13 + cls * 40) & 0xff);
                }
            }
            for (int bit = 0; bit < 32; ++bit) {
                image.at<std::uint8_t>(0, bit) = ((i >> bit) & 1) != 0 ? 255 : 0;
            }
            // Written under a hidden name (the importer skips those) and renamed, so an
            // interrupted build never leaves a truncated image behind.
            const fs::path partial = file.parent_path() / ("." + file.filename().string());
            if (!cv::imwrite(partial.string(), image)) {
                throw std::runtime_error("cannot write " + partial.string());
            }
            fs::rename(partial, file);
        }
        report.update("writing images", static_cast<std::size_t>(i + 1),
                      static_cast<std::size_t>(count));
    }
}

// Marks a folder as this benchmark's own: the labelling phase changes labels on disk, so it
// never runs on a project it did not build.
constexpr const char* kMarkerFile = ".kestrel-gui-bench";

// True when `dir` holds a usable project. An import is one transaction, so a build that was
// cut off leaves a project with no samples: that one is removed and built again.
bool hasProject(const fs::path& dir) {
    const fs::path database = dir / kestrel::Project::kDatabaseFileName;
    if (!fs::exists(database)) {
        return false;
    }
    if (!fs::exists(dir / kMarkerFile)) {
        throw std::runtime_error(dir.string() +
                                 " holds a project this benchmark did not build; it would change "
                                 "its labels. Give --project an empty or new folder.");
    }
    {
        kestrel::Project project = kestrel::Project::open(dir);
        if (project.database().queryInt("SELECT count(*) FROM samples") > 0) {
            return true;
        }
    }
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        fs::remove(database.string() + suffix);
    }
    return false;
}

void buildProject(const fs::path& dir, int count) {
    QElapsedTimer clock;
    clock.start();
    std::fprintf(stderr, "Building a %d-sample project in %s (once; later runs reuse it)\n", count,
                 dir.string().c_str());
    fs::create_directories(dir);
    std::FILE* marker = std::fopen((dir / kMarkerFile).string().c_str(), "w");
    if (!marker) {
        throw std::runtime_error("cannot write in " + dir.string());
    }
    std::fclose(marker);
    const fs::path images = dir / "images";
    writeImages(images, count);

    kestrel::Project project = kestrel::Project::create(dir, "GUI benchmark");
    kestrel::dataset::ImportOptions options;
    options.format = kestrel::dataset::ImportFormat::ImageFolder;
    TenthsReporter report;
    const kestrel::dataset::ImportReport result =
        kestrel::dataset::importSource(project, images, options, [&](const auto& progress) {
            report.update("import " + progress.phase, progress.done, progress.total);
        });
    // A fifth unlabelled, so the "unlabelled" filter and the status counts have work to do.
    project.database().execute("DELETE FROM labels WHERE sample_id % 5 = 0;"
                               "UPDATE project SET dataset_version = dataset_version + 1;");
    std::fprintf(stderr, "Imported %zu samples (%zu unreadable) in %.1f s\n", result.added,
                 result.unreadable.size(), msSince(clock) / 1000.0);
}

// ---------------------------------------------------------------------------------------------
// Measuring

// Runs the event loop until `done` holds or `timeoutMs` passes. A nested QEventLoop blocks in
// the dispatcher like the application's own loop; QTest::qWait would sleep in 10 ms slices
// and show up as stalls.
bool waitUntil(const std::function<bool()>& done, int timeoutMs) {
    if (done()) {
        return true;
    }
    QEventLoop loop;
    QTimer poll;
    poll.setInterval(2);
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done() || clock.elapsed() > timeoutMs) {
            loop.quit();
        }
    });
    poll.start();
    loop.exec();
    return done();
}

void runFor(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
}

struct StallStats {
    QString phase;
    double seconds = 0;
    std::size_t ticks = 0;
    double max = 0, p99 = 0, p95 = 0;
    std::size_t overBudget = 0;

    QJsonObject toJson() const {
        return {
            {"seconds", seconds},          {"ticks", static_cast<qint64>(ticks)},
            {"max_stall_ms", max},         {"p99_stall_ms", p99},
            {"p95_stall_ms", p95},         {"stalls_over_budget", static_cast<qint64>(overBudget)},
            {"budget_ms", kStallBudgetMs}, {"pass", max <= kStallBudgetMs}};
    }
};

// A 1 ms timer on the GUI thread: whatever keeps the thread from returning to its event loop
// shows as a late tick. A stall is the gap between two ticks minus the interval.
class StallProbe {
public:
    StallProbe() {
        timer_.setTimerType(Qt::PreciseTimer);
        timer_.setInterval(kProbeIntervalMs);
        QObject::connect(&timer_, &QTimer::timeout, &timer_, [this] { tick(); });
        clock_.start();
        timer_.start();
    }

    void begin() {
        stalls_.clear();
        last_ = clock_.nsecsElapsed();
        phase_.start();
    }
    std::size_t mark() const { return stalls_.size(); }
    double maxSince(std::size_t mark) const {
        double worst = 0;
        for (std::size_t i = mark; i < stalls_.size(); ++i) {
            worst = std::max(worst, stalls_[i]);
        }
        return worst;
    }
    StallStats end(const QString& phase) const {
        StallStats stats;
        stats.phase = phase;
        stats.seconds = msSince(phase_) / 1000.0;
        stats.ticks = stalls_.size();
        if (stalls_.empty()) {
            return stats;
        }
        std::vector<double> sorted = stalls_;
        std::sort(sorted.begin(), sorted.end());
        auto rank = [&](double p) { // nearest rank
            const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size()));
            return sorted[std::min(index, sorted.size() - 1)];
        };
        stats.max = sorted.back();
        stats.p99 = rank(0.99);
        stats.p95 = rank(0.95);
        stats.overBudget = static_cast<std::size_t>(std::count_if(
            sorted.begin(), sorted.end(), [](double s) { return s > kStallBudgetMs; }));
        return stats;
    }

private:
    void tick() {
        const qint64 now = clock_.nsecsElapsed();
        const double gap = static_cast<double>(now - last_) / 1e6;
        stalls_.push_back(std::max(0.0, gap - kProbeIntervalMs));
        last_ = now;
    }

    QTimer timer_;
    QElapsedTimer clock_;
    QElapsedTimer phase_;
    qint64 last_ = 0;
    std::vector<double> stalls_;
};

// Calls `onPaint` for every paint event of the watched widget, before the widget paints.
class PaintWatch : public QObject {
public:
    std::function<void()> onPaint;
    int paints = 0;

    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Paint) {
            ++paints;
            if (onPaint) {
                onPaint();
            }
        }
        return QObject::eventFilter(watched, event);
    }
};

struct OpenFigures {
    // The worker opens, summarises and loads the catalog, then posts both signals.
    double toProjectOpened = -1; // projectOpened reached the GUI thread
    double showProject = 0;      // GUI thread in the wiring's projectOpened slot
    double toCatalogLoaded = -1; // catalogLoaded reached the GUI thread
    double showCatalog = 0;      // GUI thread in MainWindow::showCatalog
    double firstPaintStart = -1; // the grid viewport's first paint with rows began
    double gridShown = -1;       // that paint done, the event loop free again
    double thumbnailsSettled = -1;
};

struct LabelFigures {
    int ticks = 0;
    int labels = 0;
    int undos = 0;
    int answered = 0;
    int failed = 0;
    double offeredSeconds = 0;
    double drainMs = 0; // from the last request until every edit was committed
    double firstRequestMs = -1, lastCommitMs = -1;
    std::vector<double> callMs;    // GUI time spent in one scripted action
    std::vector<double> latencyMs; // request to label shown in the model
};

struct SlotTime {
    int calls = 0;
    double totalMs = 0;
    double maxMs = 0;
};
using SlotTimes = std::map<QString, SlotTime>;

struct FilterOp {
    QString name;
    std::function<void()> run;
    double callMs = 0;
    double stallMs = 0;
    int rows = 0;
};

double mean(const std::vector<double>& values) {
    if (values.empty()) {
        return 0;
    }
    double sum = 0;
    for (const double v : values) {
        sum += v;
    }
    return sum / static_cast<double>(values.size());
}

double maxOf(const std::vector<double>& values) {
    return values.empty() ? 0 : *std::max_element(values.begin(), values.end());
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size()));
    return values[std::min(index, values.size() - 1)];
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    // Own settings, in Qt's test location: the run neither reads the user's window layout nor
    // adds the benchmark project to their recent projects.
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName("KestrelBench");
    QApplication::setApplicationName("gui_responsiveness");
    QSettings().clear();

    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Opens a large project in the Kestrel window and measures open time and GUI-thread "
        "stalls while scripted scrolling, labelling and filtering run.");
    parser.addHelpOption();
    const QCommandLineOption projectOption(
        "project",
        "Project folder; built there first when it holds no project.kestrel (default: "
        "<temp>/kestrel-gui-bench-<samples>).",
        "DIR");
    const QCommandLineOption samplesOption("samples", "Samples in a newly built project.", "N",
                                           "100000");
    const QCommandLineOption secondsOption("seconds", "Length of the scroll and label phases.", "S",
                                           "5");
    const QCommandLineOption jsonOption("json",
                                        "Print one JSON object on stdout (the table goes to "
                                        "stderr).");
    parser.addOptions({projectOption, samplesOption, secondsOption, jsonOption});
    parser.process(app);

    bool ok = false;
    const int samples = parser.value(samplesOption).toInt(&ok);
    if (!ok || samples < 1) {
        std::fprintf(stderr, "--samples must be a positive number.\n");
        return 2;
    }
    const double phaseSeconds = parser.value(secondsOption).toDouble(&ok);
    if (!ok || phaseSeconds <= 0) {
        std::fprintf(stderr, "--seconds must be a positive number.\n");
        return 2;
    }
    const bool json = parser.isSet(jsonOption);
    const QString dir =
        QDir(parser.isSet(projectOption)
                 ? parser.value(projectOption)
                 : QDir::temp().filePath(QStringLiteral("kestrel-gui-bench-%1").arg(samples)))
            .absolutePath();
    try {
        if (!hasProject(dir.toStdString())) {
            buildProject(dir.toStdString(), samples);
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "Cannot use the project: %s\n", error.what());
        return 1;
    }

    // Declared before the window so the lambdas' state outlives every connection to it.
    OpenFigures openTimes;
    LabelFigures label;
    std::deque<qint64> pendingEdits; // request times, in the order the worker commits them
    int thumbnailsDelivered = 0;
    QElapsedTimer clock;
    clock.start();
    auto now = [&clock] {
        return msSince(clock);
    };
    QElapsedTimer slot;
    QString failure;
    // GUI time in the window's slots for each answer from the workers, per phase.
    SlotTimes slotTimes;
    std::map<QString, SlotTimes> slotsByPhase;
    QElapsedTimer inSlot;

    MainWindow window;
    ProjectController controller;
    ImageService images;
    auto timeBefore = [&](const auto* sender, auto signal) {
        QObject::connect(sender, signal, &window, [&] { inSlot.start(); });
    };
    auto timeAfter = [&](const auto* sender, auto signal, const char* name) {
        QObject::connect(sender, signal, &window, [&, name] {
            SlotTime& t = slotTimes[QLatin1String(name)];
            const double ms = msSince(inSlot);
            ++t.calls;
            t.totalMs += ms;
            t.maxMs = std::max(t.maxMs, ms);
        });
    };
    // Connected before the wiring, so these run just before the window's slots...
    QObject::connect(&controller, &ProjectController::projectOpened, &window, [&] {
        openTimes.toProjectOpened = now();
        slot.start();
    });
    QObject::connect(&controller, &ProjectController::catalogLoaded, &window, [&] {
        openTimes.toCatalogLoaded = now();
        slot.start();
    });
    timeBefore(&controller, &ProjectController::labelsChanged);
    timeBefore(&controller, &ProjectController::classesChanged);
    timeBefore(&controller, &ProjectController::summaryChanged);
    timeBefore(&images, &ImageService::imageReady);
    timeBefore(&images, &ImageService::thumbnailReady);
    kestrel::app::wireWorkbench(window, controller, images);
    // ...and these just after them.
    timeAfter(&controller, &ProjectController::labelsChanged, "applyLabelChanges");
    timeAfter(&controller, &ProjectController::classesChanged, "showClasses");
    timeAfter(&controller, &ProjectController::summaryChanged, "showSummary");
    timeAfter(&images, &ImageService::imageReady, "showImage");
    timeAfter(&images, &ImageService::thumbnailReady, "thumbnailArrived");
    QObject::connect(&controller, &ProjectController::projectOpened, &window,
                     [&] { openTimes.showProject = msSince(slot); });
    QObject::connect(&controller, &ProjectController::catalogLoaded, &window,
                     [&] { openTimes.showCatalog = msSince(slot); });
    QObject::connect(&controller, &ProjectController::failed, &window,
                     [&](const QString& message) { failure = message; });
    QObject::connect(&images, &ImageService::thumbnailReady, &window,
                     [&] { ++thumbnailsDelivered; });
    auto answered = [&] {
        ++label.answered;
        label.lastCommitMs = now();
        if (!pendingEdits.empty()) {
            label.latencyMs.push_back(now() - static_cast<double>(pendingEdits.front()) / 1e6);
            pendingEdits.pop_front();
        }
    };
    // After the wiring's slot: the model shows the label by the time this runs.
    QObject::connect(&controller, &ProjectController::labelsChanged, &window, answered);
    QObject::connect(&controller, &ProjectController::editFailed, &window, [&] {
        ++label.failed;
        answered();
    });

    window.resize(1280, 800);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window, 10000)) {
        std::fprintf(stderr, "The window was never shown.\n");
        return 1;
    }
    kestrel::widgets::SampleBrowser* browser = window.browser();
    SampleModel* model = window.samples();
    QListView* grid = browser->grid();
    PaintWatch paints;
    grid->viewport()->installEventFilter(&paints);
    StallProbe probe;
    std::vector<StallStats> phases;
    auto beginPhase = [&] {
        slotTimes.clear();
        probe.begin();
    };
    auto endPhase = [&](const char* phase) {
        phases.push_back(probe.end(QLatin1String(phase)));
        slotsByPhase[QLatin1String(phase)] = slotTimes;
    };

    // Idle: the probe's own floor (timer jitter, scheduler) with nothing to do.
    runFor(200);
    beginPhase();
    runFor(1000);
    endPhase("idle");

    // Open -> grid shown.
    std::fprintf(stderr, "Opening %s\n", qPrintable(dir));
    beginPhase();
    paints.onPaint = [&] {
        if (openTimes.toCatalogLoaded >= 0 && openTimes.firstPaintStart < 0 &&
            model->rowCount() > 0) {
            openTimes.firstPaintStart = now();
            // Runs once this paint and the flush after it are done.
            QTimer::singleShot(0, &window, [&] { openTimes.gridShown = now(); });
        }
    };
    const double openStart = now();
    emit window.openProjectRequested(dir);
    auto emptyProject = [&] {
        return openTimes.toCatalogLoaded >= 0 && model->totalSamples() == 0;
    };
    if (!waitUntil([&] { return openTimes.gridShown >= 0 || !failure.isEmpty() || emptyProject(); },
                   120000) ||
        !failure.isEmpty() || emptyProject()) {
        std::fprintf(stderr, "The project did not open: %s\n",
                     !failure.isEmpty() ? qPrintable(failure)
                     : emptyProject()   ? "it has no samples"
                                        : "timed out");
        return 1;
    }
    paints.onPaint = {};
    waitUntil([&] { return images.pendingThumbnails() == 0 && !controller.isBusy(); }, 30000);
    openTimes.thumbnailsSettled = now() - openStart;
    for (double* t : {&openTimes.toProjectOpened, &openTimes.toCatalogLoaded,
                      &openTimes.firstPaintStart, &openTimes.gridShown}) {
        *t -= openStart;
    }
    endPhase("open");
    const int listed = model->rowCount();

    // Scrolling: a page every 16 ms, a jump to a random place every ~1 s; thumbnails load on
    // the workers meanwhile.
    std::fprintf(stderr, "Scrolling for %.0f s\n", phaseSeconds);
    std::mt19937 rng(20240611);
    QScrollBar* bar = grid->verticalScrollBar();
    int scrollSteps = 0, scrollJumps = 0;
    const int paintsBefore = paints.paints;
    const int thumbnailsBefore = thumbnailsDelivered;
    beginPhase();
    {
        QTimer scroller;
        scroller.setTimerType(Qt::PreciseTimer);
        scroller.setInterval(16);
        QObject::connect(&scroller, &QTimer::timeout, &scroller, [&] {
            ++scrollSteps;
            if (scrollSteps % 60 == 0) {
                ++scrollJumps;
                bar->setValue(std::uniform_int_distribution<int>(0, bar->maximum())(rng));
            } else {
                const int next = bar->value() + bar->pageStep();
                bar->setValue(next > bar->maximum() ? 0 : next);
            }
        });
        scroller.start();
        runFor(static_cast<int>(phaseSeconds * 1000));
    }
    endPhase("scroll");
    const int scrollPaints = paints.paints - paintsBefore;
    const int scrollThumbnails = thumbnailsDelivered - thumbnailsBefore;
    waitUntil([&] { return images.pendingThumbnails() == 0; }, 30000);

    // Labelling: every 50 ms select a random listed sample and press a class hotkey (1-4);
    // every 10th tick undoes instead. Then wait until the worker has committed them all.
    std::fprintf(stderr, "Labelling for %.0f s\n", phaseSeconds);
    QUndoStack* undo = window.labelling()->undoStack();
    int summaries = 0;
    QObject::connect(&controller, &ProjectController::summaryChanged, &window,
                     [&] { ++summaries; });
    beginPhase();
    {
        QTimer labeller;
        labeller.setTimerType(Qt::PreciseTimer);
        labeller.setInterval(50);
        QObject::connect(&labeller, &QTimer::timeout, &labeller, [&] {
            const int before = undo->index();
            const bool undoing = label.ticks % 10 == 9;
            const qint64 requested = clock.nsecsElapsed();
            QElapsedTimer call;
            call.start();
            if (undoing) {
                undo->undo();
            } else {
                const int row = std::uniform_int_distribution<int>(0, listed - 1)(rng);
                browser->setCurrentSample(model->sampleAt(row)->id);
                window.labelling()->assignHotkey(
                    std::uniform_int_distribution<int>(1, kClassCount)(rng));
            }
            label.callMs.push_back(msSince(call));
            ++label.ticks;
            if (undo->index() != before) { // the action really went out to the controller
                pendingEdits.push_back(requested);
                (undoing ? label.undos : label.labels) += 1;
                if (label.firstRequestMs < 0) {
                    label.firstRequestMs = static_cast<double>(requested) / 1e6;
                }
            }
        });
        const double started = now();
        labeller.start();
        runFor(static_cast<int>(phaseSeconds * 1000));
        labeller.stop();
        label.offeredSeconds = (now() - started) / 1000.0;
    }
    const double lastRequest = now();
    const int sent = label.labels + label.undos;
    if (!waitUntil([&] { return label.answered >= sent; }, 120000)) {
        std::fprintf(stderr, "Only %d of %d edits were committed.\n", label.answered, sent);
    }
    label.drainMs = std::max(0.0, label.lastCommitMs - lastRequest);
    // The window refreshes the overview 1.5 s after labelling pauses; that belongs here too.
    waitUntil([&] { return summaries > 0; }, 5000);
    endPhase("labelling");

    // Filter and sort: what a user picks in the browser's combos and search field, each
    // followed by 400 ms of event loop so the repaint and the debounced search land in its
    // window. The stall is the longest probe gap in that window.
    std::fprintf(stderr, "Filtering and sorting\n");
    auto* classFilter = browser->findChild<QComboBox*>("classFilter");
    auto* splitFilter = browser->findChild<QComboBox*>("splitFilter");
    auto* showFilter = browser->findChild<QComboBox*>("showFilter");
    auto* sortBy = browser->findChild<QComboBox*>("sortBy");
    auto* search = browser->findChild<QLineEdit*>("sampleSearch");
    if (!classFilter || !splitFilter || !showFilter || !sortBy || !search) {
        std::fprintf(stderr, "The browser's filter widgets were not found by name.\n");
        return 1;
    }
    // What a user's pick in the list does: the index changes, then activated is emitted.
    auto pick = [](QComboBox* box, int index) {
        return [box, index] {
            box->setCurrentIndex(index);
            emit box->activated(index);
        };
    };
    auto name = [](const char* what, QComboBox* box, int index) {
        return QStringLiteral("%1: %2").arg(QLatin1String(what), box->itemText(index));
    };
    std::vector<FilterOp> ops;
    for (const int index : {1, 3, 0}) {
        ops.push_back({name("class", classFilter, index), pick(classFilter, index)});
    }
    for (const int index : {1, 0}) {
        ops.push_back({name("show", showFilter, index), pick(showFilter, index)});
    }
    for (const int index : {2, 0}) {
        ops.push_back({name("split", splitFilter, index), pick(splitFilter, index)});
    }
    ops.push_back({"search: 01234", [search] {
                       search->setText("01234");
                   }});
    ops.push_back({"search: cleared", [search] {
                       search->clear();
                   }});
    for (const int index : {1, 2, 4, 0}) {
        ops.push_back({name("sort", sortBy, index), [sortBy, index] {
                           sortBy->setCurrentIndex(index);
                       }});
    }
    beginPhase();
    for (FilterOp& op : ops) {
        const std::size_t mark = probe.mark();
        QElapsedTimer call;
        call.start();
        op.run();
        op.callMs = msSince(call);
        runFor(400);
        op.stallMs = std::max(op.callMs, probe.maxSince(mark));
        op.rows = model->rowCount();
    }
    endPhase("filter/sort");

    // Where the time goes: the open's worker steps and the model's own share of the slow GUI
    // calls, each timed alone on this thread now that the phases are over. The model here has
    // no view, so what the window took beyond these figures went to the views.
    std::fprintf(stderr, "Timing the steps alone\n");
    std::vector<std::pair<QString, double>> steps;
    {
        QElapsedTimer step;
        auto record = [&](const char* what) {
            steps.emplace_back(QString::fromLatin1(what), msSince(step));
            step.restart();
        };
        step.start();
        kestrel::Project project = kestrel::Project::open(dir.toStdString());
        record("worker: Project::open");
        kestrel::summarizeProject(project);
        record("worker: summarizeProject");
        kestrel::dataset::SampleCatalog catalog = kestrel::dataset::loadCatalog(project);
        record("worker: loadCatalog");
        SampleModel bare;
        bare.setCatalog(std::move(catalog));
        record("model alone: setCatalog");
        bare.sort(SampleModel::NameColumn);
        record("model alone: sort by name");
        bare.sort(SampleModel::LabelColumn);
        record("model alone: sort by label");
        bare.sort(-1);
        step.restart();
        bare.applyLabels({{bare.sampleAt(0)->id, 0}});
        record("model alone: applyLabels, 1 sample");
        kestrel::widgets::SampleFilter filter;
        filter.search = QStringLiteral("01234");
        bare.setFilter(filter);
        record("model alone: search 01234");
    }
    {
        waitUntil([&] { return images.pendingThumbnails() == 0; }, 10000);
        grid->viewport()->repaint(); // thumbnails of this page asked for and delivered
        waitUntil([&] { return images.pendingThumbnails() == 0; }, 10000);
        std::vector<double> repaints;
        for (int i = 0; i < 20; ++i) {
            QElapsedTimer step;
            step.start();
            grid->viewport()->repaint();
            repaints.push_back(msSince(step));
        }
        steps.emplace_back(QStringLiteral("GUI: full grid repaint, mean"), mean(repaints));
        steps.emplace_back(QStringLiteral("GUI: full grid repaint, max"), maxOf(repaints));
        // In list mode QListView lays out every row again after any dataChanged (a thumbnail
        // arriving, a label), on the next pass of the event loop.
        std::vector<double> layouts;
        for (int i = 0; i < 5; ++i) {
            QElapsedTimer step;
            step.start();
            grid->doItemsLayout();
            layouts.push_back(msSince(step));
        }
        steps.emplace_back(QStringLiteral("GUI: grid relayout (all rows), mean"), mean(layouts));
    }

    // ---- report ----
    const double committedSeconds = (label.lastCommitMs - label.firstRequestMs) / 1000.0;
    const double editsPerSecond = committedSeconds > 0 ? label.answered / committedSeconds : 0;
    const bool openPass = openTimes.gridShown <= kOpenBudgetMs;
    const QString platform = QGuiApplication::platformName();

    QString table;
    auto line = [&table](const QString& text) {
        table += text + QLatin1Char('\n');
    };
    line(QStringLiteral("Kestrel GUI responsiveness: %1 samples (%2 listed), %3 platform, Qt %4. "
                        "No peer program exists for GUI stalls: absolute figures against the "
                        "budgets (%5 ms per stall, %6 ms open to grid).")
             .arg(model->totalSamples())
             .arg(listed)
             .arg(platform, QString::fromLatin1(qVersion()))
             .arg(kStallBudgetMs)
             .arg(kOpenBudgetMs));
    line({});
    line(QStringLiteral("open -> grid shown            %1 ms   budget %2 ms   %3")
             .arg(openTimes.gridShown, 8, 'f', 1)
             .arg(kOpenBudgetMs)
             .arg(QLatin1String(verdict(openTimes.gridShown, kOpenBudgetMs))));
    line(QStringLiteral("  projectOpened arrived       %1 ms   (worker: open, summary, catalog)")
             .arg(openTimes.toProjectOpened, 8, 'f', 1));
    line(QStringLiteral("  GUI in projectOpened slot   %1 ms")
             .arg(openTimes.showProject, 8, 'f', 1));
    line(QStringLiteral("  catalogLoaded arrived       %1 ms   (posted with projectOpened)")
             .arg(openTimes.toCatalogLoaded, 8, 'f', 1));
    line(QStringLiteral("  GUI in showCatalog          %1 ms")
             .arg(openTimes.showCatalog, 8, 'f', 1));
    line(QStringLiteral("  grid paint began            %1 ms")
             .arg(openTimes.firstPaintStart, 8, 'f', 1));
    line(QStringLiteral("  first thumbnails settled    %1 ms   (info, no budget)")
             .arg(openTimes.thumbnailsSettled, 8, 'f', 1));
    line({});
    line(QStringLiteral("%1 %2 %3 %4 %5 %6 %7  %8")
             .arg(QLatin1String("phase"), -12)
             .arg(QLatin1String("seconds"), 8)
             .arg(QLatin1String("ticks"), 7)
             .arg(QLatin1String("max ms"), 8)
             .arg(QLatin1String("p99 ms"), 8)
             .arg(QLatin1String("p95 ms"), 8)
             .arg(QLatin1String(">16 ms"), 7)
             .arg(QLatin1String("budget 16 ms")));
    for (const StallStats& s : phases) {
        line(QStringLiteral("%1 %2 %3 %4 %5 %6 %7  %8")
                 .arg(s.phase, -12)
                 .arg(s.seconds, 8, 'f', 1)
                 .arg(s.ticks, 7)
                 .arg(s.max, 8, 'f', 1)
                 .arg(s.p99, 8, 'f', 2)
                 .arg(s.p95, 8, 'f', 2)
                 .arg(s.overBudget, 7)
                 .arg(QLatin1String(verdict(s.max, kStallBudgetMs))));
    }
    for (const StallStats& s : phases) {
        const SlotTimes& times = slotsByPhase[s.phase];
        if (times.empty()) {
            continue;
        }
        QString text = QStringLiteral("  window slots in %1:").arg(s.phase);
        for (const auto& [slotName, t] : times) {
            text += QStringLiteral(" %1 %2x mean %3 max %4 ms;")
                        .arg(slotName)
                        .arg(t.calls)
                        .arg(t.totalMs / t.calls, 0, 'f', 2)
                        .arg(t.maxMs, 0, 'f', 1);
        }
        line(text);
    }
    line({});
    line(QStringLiteral("scroll: %1 steps (%2 jumps), %3 grid paints, %4 thumbnails delivered")
             .arg(scrollSteps)
             .arg(scrollJumps)
             .arg(scrollPaints)
             .arg(scrollThumbnails));
    line(QStringLiteral("labelling: %1 requests (%2 labels, %3 undos) in %4 s; %5 committed "
                        "(%6 failed), %7 edits/s committed; backlog drained %8 ms after the "
                        "last request")
             .arg(sent)
             .arg(label.labels)
             .arg(label.undos)
             .arg(label.offeredSeconds, 0, 'f', 1)
             .arg(label.answered)
             .arg(label.failed)
             .arg(editsPerSecond, 0, 'f', 1)
             .arg(label.drainMs, 0, 'f', 1));
    line(QStringLiteral("  commit latency (request -> label in the model): mean %1 ms, p95 %2 ms, "
                        "max %3 ms")
             .arg(mean(label.latencyMs), 0, 'f', 1)
             .arg(percentile(label.latencyMs, 0.95), 0, 'f', 1)
             .arg(maxOf(label.latencyMs), 0, 'f', 1));
    line(QStringLiteral("  GUI time per scripted action (select + hotkey, or undo): mean %1 ms, "
                        "max %2 ms")
             .arg(mean(label.callMs), 0, 'f', 2)
             .arg(maxOf(label.callMs), 0, 'f', 2));
    line({});
    line(QStringLiteral("%1 %2 %3 %4  %5")
             .arg(QLatin1String("filter/sort operation"), -26)
             .arg(QLatin1String("call ms"), 8)
             .arg(QLatin1String("stall ms"), 9)
             .arg(QLatin1String("rows"), 7)
             .arg(QLatin1String("budget 16 ms")));
    for (const FilterOp& op : ops) {
        line(QStringLiteral("%1 %2 %3 %4  %5")
                 .arg(op.name, -26)
                 .arg(op.callMs, 8, 'f', 1)
                 .arg(op.stallMs, 9, 'f', 1)
                 .arg(op.rows, 7)
                 .arg(QLatin1String(verdict(op.stallMs, kStallBudgetMs))));
    }
    line({});
    line(QStringLiteral("where the time goes (each step alone, nothing else running):"));
    for (const auto& [what, ms] : steps) {
        line(QStringLiteral("  %1 %2 ms").arg(what, -36).arg(ms, 8, 'f', 1));
    }
    std::fprintf(json ? stderr : stdout, "%s", qPrintable(table));

    if (json) {
        QJsonObject phaseJson;
        for (const StallStats& s : phases) {
            QJsonObject phase = s.toJson();
            QJsonObject slotJson;
            for (const auto& [slotName, t] : slotsByPhase[s.phase]) {
                slotJson.insert(slotName, QJsonObject{{"calls", t.calls},
                                                      {"mean_ms", t.totalMs / t.calls},
                                                      {"max_ms", t.maxMs}});
            }
            phase.insert("window_slots", slotJson);
            phaseJson.insert(s.phase, phase);
        }
        QJsonArray opJson;
        for (const FilterOp& op : ops) {
            opJson.append(QJsonObject{{"operation", op.name},
                                      {"call_ms", op.callMs},
                                      {"stall_ms", op.stallMs},
                                      {"rows", op.rows},
                                      {"pass", op.stallMs <= kStallBudgetMs}});
        }
        QJsonObject stepJson;
        for (const auto& [what, ms] : steps) {
            stepJson.insert(what, ms);
        }
        const QJsonObject result{
            {"benchmark", "gui_responsiveness"},
            {"peer", QJsonValue::Null},
            {"note", "no peer program exists for GUI stalls; figures are absolute, against "
                     "the budgets"},
            {"samples", model->totalSamples()},
            {"listed", listed},
            {"project", dir},
            {"platform", platform},
            {"qt", QString::fromLatin1(qVersion())},
            {"budgets_ms", QJsonObject{{"stall", kStallBudgetMs}, {"open_to_grid", kOpenBudgetMs}}},
            {"open", QJsonObject{{"to_grid_shown_ms", openTimes.gridShown},
                                 {"to_project_opened_ms", openTimes.toProjectOpened},
                                 {"project_opened_slot_ms", openTimes.showProject},
                                 {"to_catalog_loaded_ms", openTimes.toCatalogLoaded},
                                 {"show_catalog_ms", openTimes.showCatalog},
                                 {"first_paint_began_ms", openTimes.firstPaintStart},
                                 {"thumbnails_settled_ms", openTimes.thumbnailsSettled},
                                 {"budget_ms", kOpenBudgetMs},
                                 {"pass", openPass}}},
            {"phases", phaseJson},
            {"scroll", QJsonObject{{"steps", scrollSteps},
                                   {"jumps", scrollJumps},
                                   {"grid_paints", scrollPaints},
                                   {"thumbnails_delivered", scrollThumbnails}}},
            {"labelling", QJsonObject{{"requests", sent},
                                      {"labels", label.labels},
                                      {"undos", label.undos},
                                      {"committed", label.answered},
                                      {"failed", label.failed},
                                      {"edits_per_second", editsPerSecond},
                                      {"drain_ms", label.drainMs},
                                      {"commit_latency_mean_ms", mean(label.latencyMs)},
                                      {"commit_latency_p95_ms", percentile(label.latencyMs, 0.95)},
                                      {"commit_latency_max_ms", maxOf(label.latencyMs)},
                                      {"action_call_mean_ms", mean(label.callMs)},
                                      {"action_call_max_ms", maxOf(label.callMs)}}},
            {"filter_sort", opJson},
            {"steps_alone_ms", stepJson},
        };
        std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    }
    return 0;
}
