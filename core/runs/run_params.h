#pragma once

#include "train/train_options.h"

#include <map>
#include <string>

namespace kestrel::runs {

// A run's options as the name/value pairs stored in run_params, and back. Every field of
// TrainOptions round-trips, so a resumed or evaluated run rebuilds the same model, input
// and schedule. Names are stable: old projects keep them.
std::map<std::string, std::string> toParams(const train::TrainOptions& options);

// Throws kestrel::Error (Corrupt) naming the run's parameter that is missing or malformed.
train::TrainOptions optionsFromParams(const std::map<std::string, std::string>& params);

} // namespace kestrel::runs

namespace kestrel::runs {

// The operating point chosen after training (review/run_operating_point.h), and moved later
// in the window: the good class's name, the target defect recall and the NG threshold on
// P(not good). Absent when the project has no good class.
inline constexpr const char* kOperatingGoodClassParam = "operating_point.good_class";
inline constexpr const char* kOperatingTargetParam = "operating_point.target_defect_recall";
inline constexpr const char* kOperatingThresholdParam = "operating_point.threshold";

} // namespace kestrel::runs
