#pragma once

#include "figures.h"

namespace kestrel::bench {

// Prints the figures as a table, on stdout; with `json`, the table goes to stderr and one
// JSON object to stdout instead.
void printReport(const BenchFigures& figures, bool json);

} // namespace kestrel::bench
