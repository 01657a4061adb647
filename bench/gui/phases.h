#pragma once

#include "instrumented_workbench.h"

#include <QString>

namespace kestrel::bench {

// The scripted phases, in the order main() runs them. Each is timed by the stall probe and
// records its figures in `bench.figures`; a phase that cannot go on throws std::runtime_error.

// Nothing to do, 1 s: the probe's own floor (timer jitter, scheduler).
void runIdlePhase(InstrumentedWorkbench& bench);

// From the open request until the grid has painted and its first thumbnails arrived.
void runOpenPhase(InstrumentedWorkbench& bench, const QString& dir);

// A page every 16 ms, a jump to a random place every ~1 s; thumbnails load meanwhile.
void runScrollPhase(InstrumentedWorkbench& bench, double seconds);

// Every 50 ms a random sample selected and a class hotkey pressed, every 10th tick an undo;
// then until the worker has committed them all.
void runLabellingPhase(InstrumentedWorkbench& bench, double seconds);

// What a user picks in the browser's filter combos, search field and sort combo.
void runFilterSortPhase(InstrumentedWorkbench& bench);

} // namespace kestrel::bench
