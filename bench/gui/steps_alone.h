#pragma once

#include "instrumented_workbench.h"

#include <QString>

namespace kestrel::bench {

// Where the time goes: the open's worker steps and the model's own share of the slow GUI
// calls, each timed alone on this thread once the phases are over, plus full repaints and
// relayouts of the grid. Records them in `bench.figures.stepsAlone`.
void timeStepsAlone(InstrumentedWorkbench& bench, const QString& dir);

} // namespace kestrel::bench
