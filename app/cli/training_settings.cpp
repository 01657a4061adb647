#include "training_settings.h"

#include "train/default_settings.h"

namespace kestrel::cli {

bool TrainingSettings::shapeAllDefault() const {
    return !model && !epochs && !batchSize && !imageSize && !lr;
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
}

} // namespace kestrel::cli
