#pragma once

#include "distributed/launch_environment.h"

namespace kestrel::cli {

struct TrainCommandOptions;

// One rank of `torchrun ... kestrel-cli train` (or of the window's ranks): joins the group,
// checks that every rank plans the same run, and trains it; rank 0 records it as a single
// process would. The exit status.
int trainRank(const TrainCommandOptions& given, const distributed::LaunchEnvironment& launch);

} // namespace kestrel::cli
