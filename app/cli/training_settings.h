#pragma once

#include "train/train_options.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kestrel::cli {

// The training settings `train` and `audit` both take from the command line. What is not
// given keeps the value the project's defaults (or a continued run) chose.
struct TrainingSettings {
    std::optional<std::string> model;
    std::optional<std::int64_t> epochs;
    std::optional<int> batchSize;
    std::optional<int> imageSize;
    std::optional<double> lr;
    std::string device = "auto";
    std::optional<std::uint64_t> seed;
    bool noAugment = false;

    // True when none of the settings that shape the model and its schedule was given, so
    // the defaults are worth describing.
    bool shapeAllDefault() const;
};

// Puts the given settings into `options`. The model is not among them: it is chosen before
// the defaults are (they fit it). A batch size keeps the learning rate in step with it
// unless --lr is given too (train::setBatchSize).
void applyTrainingSettings(const TrainingSettings& given, train::TrainOptions& options);

} // namespace kestrel::cli
