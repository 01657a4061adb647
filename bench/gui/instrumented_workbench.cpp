#include "instrumented_workbench.h"

#include "sample_browser.h"
#include "timing.h"
#include "workbench_wiring.h"

#include <algorithm>
#include <stdexcept>

#include <QListView>
#include <QTest>

namespace kestrel::bench {

using app::ImageService;
using app::ProjectController;

bool PaintWatch::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::Paint) {
        ++paints;
        if (onPaint) {
            onPaint();
        }
    }
    return QObject::eventFilter(watched, event);
}

InstrumentedWorkbench::InstrumentedWorkbench() {
    clock.start();
    // Qt calls a signal's slots in the order they were connected, so these bracket the
    // window's own slots.
    instrumentBeforeWiring();
    app::wireWorkbench(window, controller, images);
    instrumentAfterWiring();
    countLabelAnswers();
}

void InstrumentedWorkbench::instrumentBeforeWiring() {
    QObject::connect(&controller, &ProjectController::projectOpened, &window, [this] {
        figures.open.toProjectOpened = msSinceStart();
        openSlot.start();
    });
    QObject::connect(&controller, &ProjectController::catalogLoaded, &window, [this] {
        figures.open.toCatalogLoaded = msSinceStart();
        openSlot.start();
    });
    auto timeBefore = [this](const auto* sender, auto signal) {
        QObject::connect(sender, signal, &window, [this] { inSlot.start(); });
    };
    timeBefore(&controller, &ProjectController::labelsChanged);
    timeBefore(&controller, &ProjectController::classesChanged);
    timeBefore(&controller, &ProjectController::summaryChanged);
    timeBefore(&images, &ImageService::imageReady);
    timeBefore(&images, &ImageService::thumbnailReady);
}

void InstrumentedWorkbench::instrumentAfterWiring() {
    auto timeAfter = [this](const auto* sender, auto signal, const char* name) {
        QObject::connect(sender, signal, &window, [this, name] {
            SlotTime& t = slotTimes[QLatin1String(name)];
            const double ms = msSince(inSlot);
            ++t.calls;
            t.totalMs += ms;
            t.maxMs = std::max(t.maxMs, ms);
        });
    };
    timeAfter(&controller, &ProjectController::labelsChanged, "applyLabelChanges");
    timeAfter(&controller, &ProjectController::classesChanged, "showClasses");
    timeAfter(&controller, &ProjectController::summaryChanged, "showSummary");
    timeAfter(&images, &ImageService::imageReady, "showImage");
    timeAfter(&images, &ImageService::thumbnailReady, "thumbnailArrived");
    QObject::connect(&controller, &ProjectController::projectOpened, &window,
                     [this] { figures.open.showProject = msSince(openSlot); });
    QObject::connect(&controller, &ProjectController::catalogLoaded, &window,
                     [this] { figures.open.showCatalog = msSince(openSlot); });
    QObject::connect(&controller, &ProjectController::failed, &window,
                     [this](const QString& message) { failure = message; });
    QObject::connect(&images, &ImageService::thumbnailReady, &window,
                     [this] { ++thumbnailsDelivered; });
    QObject::connect(&controller, &ProjectController::summaryChanged, &window,
                     [this] { ++summariesShown; });
}

// After the wiring's slot: the model shows the label by the time these run.
void InstrumentedWorkbench::countLabelAnswers() {
    auto answered = [this] {
        LabelFigures& label = figures.label;
        ++label.answered;
        label.lastCommitMs = msSinceStart();
        if (!pendingEdits.empty()) {
            label.latencyMs.push_back(msSinceStart() -
                                      static_cast<double>(pendingEdits.front()) / 1e6);
            pendingEdits.pop_front();
        }
    };
    QObject::connect(&controller, &ProjectController::labelsChanged, &window, answered);
    QObject::connect(&controller, &ProjectController::editFailed, &window, [this, answered] {
        ++figures.label.failed;
        answered();
    });
}

void InstrumentedWorkbench::show() {
    window.resize(1280, 800);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window, 10000)) {
        throw std::runtime_error("The window was never shown.");
    }
    window.browser()->grid()->viewport()->installEventFilter(&gridPaints);
    probe.emplace();
}

void InstrumentedWorkbench::beginPhase() {
    slotTimes.clear();
    probe->begin();
}

void InstrumentedWorkbench::endPhase(const char* phase) {
    figures.phases.push_back({probe->end(QLatin1String(phase)), slotTimes});
}

} // namespace kestrel::bench
