#include "train/train_options.h"

#include "common/error.h"
#include "common/text.h"
#include "imaging/augment_options.h"
#include "tasks/task.h"

#include <algorithm>
#include <cmath>

namespace kestrel::train {

namespace {

[[noreturn]] void invalid(const std::string& message) {
    throw Error(ErrorKind::InvalidArgument, message);
}

std::string number(double value) {
    return shortNumber(value);
}

} // namespace

OptimizerKind parseOptimizerKind(const std::string& name) {
    if (name == "sgd") {
        return OptimizerKind::Sgd;
    }
    if (name == "adam") {
        return OptimizerKind::Adam;
    }
    if (name == "adamw") {
        return OptimizerKind::AdamW;
    }
    invalid("Unknown optimizer \"" + name + "\"; use sgd, adam or adamw.");
}

std::string toString(OptimizerKind kind) {
    switch (kind) {
    case OptimizerKind::Sgd:
        return "sgd";
    case OptimizerKind::Adam:
        return "adam";
    case OptimizerKind::AdamW:
        return "adamw";
    }
    return "sgd";
}

Precision parsePrecision(const std::string& name) {
    if (name == "fp32") {
        return Precision::Float32;
    }
    if (name == "fp16") {
        return Precision::Float16;
    }
    if (name == "bf16") {
        return Precision::BFloat16;
    }
    invalid("Unknown precision \"" + name + "\"; use fp32, fp16 or bf16.");
}

std::string toString(Precision precision) {
    switch (precision) {
    case Precision::Float32:
        return "fp32";
    case Precision::Float16:
        return "fp16";
    case Precision::BFloat16:
        return "bf16";
    }
    return "fp32";
}

void validate(const TrainOptions& options) {
    if (options.epochs < 0) {
        invalid("The number of epochs must be 0 or more, not " + std::to_string(options.epochs) +
                ".");
    }
    if (options.batchSize < 1) {
        invalid("The batch size must be at least 1, not " + std::to_string(options.batchSize) +
                ".");
    }
    if (options.worldSize < 1) {
        invalid("The number of ranks must be at least 1, not " + std::to_string(options.worldSize) +
                ".");
    }
    if (options.batchSize % options.worldSize != 0) {
        const int ranks = options.worldSize;
        const int nearest = std::max(ranks, options.batchSize / ranks * ranks);
        invalid("The batch size " + std::to_string(options.batchSize) +
                " does not split evenly over " + std::to_string(ranks) +
                " ranks; give a multiple of " + std::to_string(ranks) + " (such as " +
                std::to_string(nearest) + "): each rank takes batch size / " +
                std::to_string(ranks) + " images a step.");
    }
    if (options.imageSize < 8 || options.imageSize > 4096) {
        invalid("The image size must be between 8 and 4096 pixels, not " +
                std::to_string(options.imageSize) + ".");
    }
    if (options.channels != 1 && options.channels != 3) {
        invalid("Images have 1 (gray) or 3 (RGB) channels, not " +
                std::to_string(options.channels) + ".");
    }
    const auto channels = static_cast<std::size_t>(options.channels);
    if (options.mean.size() != channels || options.std.size() != channels) {
        invalid("The normalisation needs one mean and one standard deviation per channel (" +
                std::to_string(channels) + ").");
    }
    for (double deviation : options.std) {
        if (!(deviation > 0)) {
            invalid("A normalisation standard deviation must be positive, not " +
                    number(deviation) + ".");
        }
    }
    if (!(options.schedule.baseLr > 0) || !std::isfinite(options.schedule.baseLr)) {
        invalid("The learning rate must be a positive number, not " +
                number(options.schedule.baseLr) + ".");
    }
    if (options.momentum < 0 || options.momentum >= 1) {
        invalid("Momentum must be in [0, 1), not " + number(options.momentum) + ".");
    }
    if (options.weightDecay < 0) {
        invalid("Weight decay must be 0 or more, not " + number(options.weightDecay) + ".");
    }
    if (options.labelSmoothing < 0 || options.labelSmoothing >= 1) {
        invalid("Label smoothing must be in [0, 1), not " + number(options.labelSmoothing) + ".");
    }
    if (options.gradientClipNorm < 0) {
        invalid("The gradient clipping norm must be 0 (off) or more, not " +
                number(options.gradientClipNorm) + ".");
    }
    if (options.emaHorizon < 0) {
        invalid("The weight average's horizon must be 0 (off) or more steps, not " +
                std::to_string(options.emaHorizon) + ".");
    }
    if (options.patience < 0) {
        invalid("Patience must be 0 (off) or more epochs, not " + std::to_string(options.patience) +
                ".");
    }
    if (options.validateEvery < 1) {
        invalid("Validation runs every 1 or more epochs, not every " +
                std::to_string(options.validateEvery) + ".");
    }
    tasks::monitorMetric(tasks::taskFor(options.task), options.monitor);
    if (options.workers < 1) {
        invalid("At least one decoding worker is needed, not " + std::to_string(options.workers) +
                ".");
    }
    if (options.threads < 0) {
        invalid("The thread count must be 0 (one per core) or more, not " +
                std::to_string(options.threads) + ".");
    }
    imaging::validate(options.augmentation);
    if (options.cropSize != 0) {
        if (options.task != TaskKind::Segmentation) {
            invalid("Training crops are for segmentation; set the crop size to 0 for " +
                    toString(options.task) + ".");
        }
        if (options.cropSize < 16 || options.cropSize > options.imageSize) {
            invalid("The crop size must be 0 (whole images) or between 16 and the image size (" +
                    std::to_string(options.imageSize) + " px), not " +
                    std::to_string(options.cropSize) + ".");
        }
    }
    if (!(options.defectCropShare >= 0 && options.defectCropShare <= 1)) {
        invalid("The share of crops around a defect must be between 0 and 1, not " +
                number(options.defectCropShare) + ".");
    }
    if (options.wholeImageEpochs != 0) {
        if (options.cropSize == 0) {
            invalid("Whole-image epochs follow training on crops; with a crop size of 0 every "
                    "epoch is on whole images, so set them to 0, not " +
                    std::to_string(options.wholeImageEpochs) + ".");
        }
        if (options.wholeImageEpochs < 0 || options.wholeImageEpochs >= options.epochs) {
            invalid("The whole-image epochs must be 0 or more and fewer than the run's " +
                    std::to_string(options.epochs) + " epochs, not " +
                    std::to_string(options.wholeImageEpochs) + ".");
        }
    }
}

bool isValidationEpoch(const TrainOptions& options, std::int64_t epoch) {
    return (epoch + 1) % std::max(1, options.validateEvery) == 0 || epoch + 1 >= options.epochs;
}

bool mirrorsBothWays(const imaging::AugmentOptions& augmentation) {
    return augmentation.horizontalFlip > 0 &&
           (augmentation.verticalFlip > 0 || augmentation.rotate90 > 0);
}

models::ClassifierSpec modelSpec(const TrainOptions& options, int classes) {
    // A detector's boxes would need mirroring back too: segmentation's alone.
    return {options.model, classes, options.channels,
            options.averageMirrors && options.task == TaskKind::Segmentation &&
                mirrorsBothWays(options.augmentation)};
}

} // namespace kestrel::train
