#pragma once

#include "train/train_options.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

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
    bool anyOrientation = false;      // vertical flips and quarter turns too
    std::vector<std::string> augment; // NAME=PROBABILITY[:STRENGTH], applied in order

    // True when none of the settings that shape the model and its schedule was given, so
    // the defaults are worth describing.
    bool shapeAllDefault() const;
};

// The options behind TrainingSettings' augmentation fields, for the commands that train.
void addAugmentationOptions(CLI::App& parser, TrainingSettings& settings);

// Puts the given settings into `options`. The model is not among them: it is chosen before
// the defaults are (they fit it). A batch size keeps the learning rate in step with it
// unless --lr is given too (train::setBatchSize).
void applyTrainingSettings(const TrainingSettings& given, train::TrainOptions& options);

} // namespace kestrel::cli
