#include "phases.h"

#include "bench_project.h"
#include "labelling_controller.h"
#include "sample_browser.h"
#include "sample_model.h"
#include "timing.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <QComboBox>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QListView>
#include <QScrollBar>
#include <QTimer>
#include <QUndoStack>

namespace kestrel::bench {

using widgets::SampleModel;

void runIdlePhase(InstrumentedWorkbench& bench) {
    runFor(200); // lets the probe settle first
    bench.beginPhase();
    runFor(1000);
    bench.endPhase("idle");
}

void runOpenPhase(InstrumentedWorkbench& bench, const QString& dir) {
    OpenFigures& open = bench.figures.open;
    SampleModel* model = bench.window.samples();
    PaintWatch& paints = bench.gridPaints;
    std::fprintf(stderr, "Opening %s\n", qPrintable(dir));
    bench.beginPhase();
    paints.onPaint = [&bench, model] {
        OpenFigures& times = bench.figures.open;
        if (times.toCatalogLoaded >= 0 && times.firstPaintStart < 0 && model->rowCount() > 0) {
            times.firstPaintStart = bench.msSinceStart();
            // Runs once this paint and the flush after it are done.
            QTimer::singleShot(0, &bench.window,
                               [&bench] { bench.figures.open.gridShown = bench.msSinceStart(); });
        }
    };
    const double openStart = bench.msSinceStart();
    emit bench.window.openProjectRequested(dir);
    auto emptyProject = [&] {
        return open.toCatalogLoaded >= 0 && model->totalSamples() == 0;
    };
    const QString& failure = bench.failure;
    if (!waitUntil([&] { return open.gridShown >= 0 || !failure.isEmpty() || emptyProject(); },
                   120000) ||
        !failure.isEmpty() || emptyProject()) {
        const std::string why = !failure.isEmpty() ? failure.toLocal8Bit().toStdString()
                                : emptyProject()   ? "it has no samples"
                                                   : "timed out";
        throw std::runtime_error("The project did not open: " + why);
    }
    paints.onPaint = {};
    waitUntil([&] { return bench.images.pendingThumbnails() == 0 && !bench.controller.isBusy(); },
              30000);
    open.thumbnailsSettled = bench.msSinceStart() - openStart;
    for (double* t :
         {&open.toProjectOpened, &open.toCatalogLoaded, &open.firstPaintStart, &open.gridShown}) {
        *t -= openStart;
    }
    bench.endPhase("open");
    bench.figures.samples = model->totalSamples();
    bench.figures.listed = model->rowCount();
}

void runScrollPhase(InstrumentedWorkbench& bench, double seconds) {
    ScrollFigures& scroll = bench.figures.scroll;
    std::fprintf(stderr, "Scrolling for %.0f s\n", seconds);
    QScrollBar* bar = bench.window.browser()->grid()->verticalScrollBar();
    const int paintsBefore = bench.gridPaints.paints;
    const int thumbnailsBefore = bench.thumbnailsDelivered;
    bench.beginPhase();
    runTicking(16, seconds, [&] {
        ++scroll.steps;
        if (scroll.steps % 60 == 0) {
            ++scroll.jumps;
            bar->setValue(std::uniform_int_distribution<int>(0, bar->maximum())(bench.rng));
        } else {
            const int next = bar->value() + bar->pageStep();
            bar->setValue(next > bar->maximum() ? 0 : next);
        }
    });
    bench.endPhase("scroll");
    scroll.gridPaints = bench.gridPaints.paints - paintsBefore;
    scroll.thumbnailsDelivered = bench.thumbnailsDelivered - thumbnailsBefore;
    waitUntil([&] { return bench.images.pendingThumbnails() == 0; }, 30000);
}

void runLabellingPhase(InstrumentedWorkbench& bench, double seconds) {
    LabelFigures& label = bench.figures.label;
    widgets::MainWindow& window = bench.window;
    SampleModel* model = window.samples();
    QUndoStack* undo = window.labelling()->undoStack();
    const int listed = bench.figures.listed;
    std::fprintf(stderr, "Labelling for %.0f s\n", seconds);
    const int summariesBefore = bench.summariesShown;
    bench.beginPhase();
    const double offeredMs = runTicking(50, seconds, [&] {
        const int before = undo->index();
        const bool undoing = label.ticks % 10 == 9;
        const qint64 requested = bench.clock.nsecsElapsed();
        QElapsedTimer call;
        call.start();
        if (undoing) {
            undo->undo();
        } else {
            const int row = std::uniform_int_distribution<int>(0, listed - 1)(bench.rng);
            window.browser()->setCurrentSample(model->sampleAt(row)->id);
            window.labelling()->assignHotkey(
                std::uniform_int_distribution<int>(1, kClassCount)(bench.rng));
        }
        label.callMs.push_back(msSince(call));
        ++label.ticks;
        if (undo->index() != before) { // the action really went out to the controller
            bench.pendingEdits.push_back(requested);
            (undoing ? label.undos : label.labels) += 1;
            if (label.firstRequestMs < 0) {
                label.firstRequestMs = static_cast<double>(requested) / 1e6;
            }
        }
    });
    label.offeredSeconds = offeredMs / 1000.0;
    const double lastRequest = bench.msSinceStart();
    const int sent = label.labels + label.undos;
    if (!waitUntil([&] { return label.answered >= sent; }, 120000)) {
        std::fprintf(stderr, "Only %d of %d edits were committed.\n", label.answered, sent);
    }
    label.drainMs = std::max(0.0, label.lastCommitMs - lastRequest);
    // The window refreshes the overview 1.5 s after labelling pauses; that belongs here too.
    waitUntil([&] { return bench.summariesShown > summariesBefore; }, 5000);
    bench.endPhase("labelling");
}

namespace {

// What a user's pick in the list does: the index changes, then activated is emitted.
std::function<void()> pick(QComboBox* box, int index) {
    return [box, index] {
        box->setCurrentIndex(index);
        emit box->activated(index);
    };
}

QString opName(const char* what, QComboBox* box, int index) {
    return QStringLiteral("%1: %2").arg(QLatin1String(what), box->itemText(index));
}

} // namespace

// Each operation is followed by 400 ms of event loop so the repaint and the debounced search
// land in its window; its stall is the longest probe gap in that window.
void runFilterSortPhase(InstrumentedWorkbench& bench) {
    std::fprintf(stderr, "Filtering and sorting\n");
    widgets::SampleBrowser* browser = bench.window.browser();
    auto* classFilter = browser->findChild<QComboBox*>("classFilter");
    auto* splitFilter = browser->findChild<QComboBox*>("splitFilter");
    auto* showFilter = browser->findChild<QComboBox*>("showFilter");
    auto* sortBy = browser->findChild<QComboBox*>("sortBy");
    auto* search = browser->findChild<QLineEdit*>("sampleSearch");
    if (!classFilter || !splitFilter || !showFilter || !sortBy || !search) {
        throw std::runtime_error("The browser's filter widgets were not found by name.");
    }
    std::vector<FilterOp>& ops = bench.figures.filterSort;
    for (const int index : {1, 3, 0}) {
        ops.push_back({opName("class", classFilter, index), pick(classFilter, index)});
    }
    for (const int index : {1, 0}) {
        ops.push_back({opName("show", showFilter, index), pick(showFilter, index)});
    }
    for (const int index : {2, 0}) {
        ops.push_back({opName("split", splitFilter, index), pick(splitFilter, index)});
    }
    ops.push_back({"search: 01234", [search] {
                       search->setText("01234");
                   }});
    ops.push_back({"search: cleared", [search] {
                       search->clear();
                   }});
    for (const int index : {1, 2, 4, 0}) {
        ops.push_back({opName("sort", sortBy, index), [sortBy, index] {
                           sortBy->setCurrentIndex(index);
                       }});
    }
    SampleModel* model = bench.window.samples();
    bench.beginPhase();
    for (FilterOp& op : ops) {
        const std::size_t mark = bench.probe->mark();
        QElapsedTimer call;
        call.start();
        op.run();
        op.callMs = msSince(call);
        runFor(400);
        op.stallMs = std::max(op.callMs, bench.probe->maxSince(mark));
        op.rows = model->rowCount();
    }
    bench.endPhase("filter/sort");
}

} // namespace kestrel::bench
