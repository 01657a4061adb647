#include "training_settings.h"

#include "imaging/augment_spec.h"
#include "train/default_settings.h"

#include <CLI/CLI.hpp>

namespace kestrel::cli {

bool TrainingSettings::shapeAllDefault() const {
    return !model && !epochs && !batchSize && !imageSize && !lr;
}

void addAugmentationOptions(CLI::App& parser, TrainingSettings& settings) {
    parser.add_flag("--no-augment", settings.noAugment,
                    "Train on the images as they are (before --augment and --any-orientation)");
    parser.add_flag("--any-orientation", settings.anyOrientation,
                    "Parts may appear in any orientation: vertical flips and quarter turns too");
    parser
        .add_option("--augment", settings.augment,
                    "Set one augmentation, NAME=PROBABILITY[:STRENGTH] (repeatable): crop "
                    "(min area), shift (max fraction), hflip, vflip, rot90, rotate (max degrees), "
                    "jitter (amount), blur (max sigma px), noise (sigma); 0 turns it off")
        ->allow_extra_args(false); // one word per --augment, so the project stays positional
}

void applyTrainingSettings(const TrainingSettings& given, train::TrainOptions& options) {
    options.device = given.device;
    if (given.epochs) {
        options.epochs = *given.epochs;
    }
    if (given.batchSize) {
        train::setBatchSize(options, *given.batchSize);
    }
    if (given.imageSize) {
        options.imageSize = *given.imageSize;
    }
    if (given.lr) {
        options.schedule.baseLr = *given.lr;
    }
    if (given.seed) {
        options.seed = *given.seed;
    }
    if (given.noAugment) {
        options.augmentation = {};
    }
    if (given.anyOrientation) {
        imaging::allowAnyOrientation(options.augmentation);
    }
    for (const std::string& spec : given.augment) {
        imaging::applyAugmentSpec(options.augmentation, spec);
    }
}

} // namespace kestrel::cli
