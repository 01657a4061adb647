#pragma once

#include "figures.h"
#include "image_service.h"
#include "main_window.h"
#include "project_controller.h"
#include "stall_probe.h"
#include "timing.h"

#include <deque>
#include <functional>
#include <optional>
#include <random>

#include <QElapsedTimer>
#include <QObject>

namespace kestrel::bench {

// Calls `onPaint` for every paint event of the watched widget, before the widget paints.
class PaintWatch : public QObject {
public:
    std::function<void()> onPaint;
    int paints = 0;

    bool eventFilter(QObject* watched, QEvent* event) override;
};

// The real window, controller and image service, wired as main() wires them, with the
// benchmark's instruments attached: when the open's signals arrive, the GUI time in the
// window's slots, label edits answered, thumbnails delivered, grid paints, the stall probe.
class InstrumentedWorkbench {
public:
    InstrumentedWorkbench();

    // Shows the 1280x800 window, then starts watching the grid and probing for stalls.
    // Throws std::runtime_error when the window never appears.
    void show();

    double msSinceStart() const { return msSince(clock); }
    void beginPhase();
    void endPhase(const char* phase);

    // Declared before the window so the state outlives every connection to it.
    BenchFigures figures;            // the instruments fill open, label and phases
    std::deque<qint64> pendingEdits; // request times, in the order the worker commits them
    int thumbnailsDelivered = 0;
    int summariesShown = 0;     // overview refreshes
    QString failure;            // the controller's last failure
    std::mt19937 rng{20240611}; // one sequence through scrolling and labelling
    QElapsedTimer clock;        // since construction
    QElapsedTimer openSlot;     // in the wiring's projectOpened or catalogLoaded slot
    QElapsedTimer inSlot;       // in the window's slot for a worker's answer
    SlotTimes slotTimes;        // this phase's, by slot

    widgets::MainWindow window;
    app::ProjectController controller;
    app::ImageService images;
    PaintWatch gridPaints;
    std::optional<StallProbe> probe; // from show() on

private:
    void instrumentBeforeWiring();
    void instrumentAfterWiring();
    void countLabelAnswers();
};

} // namespace kestrel::bench
