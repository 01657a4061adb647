#include "train/default_settings.h"

#include "models/architectures.h"
#include "project/project.h"
#include "store/sample_repository.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace kestrel::train {

namespace {

// The linear scaling rule's constant: SGD's peak learning rate for a batch of 128.
constexpr double kLrPer128Images = 0.1;

// Class weights go on from this ratio of the largest class to the smallest: 500 good parts
// beside 20 scratches otherwise teach a model that calling everything good pays.
constexpr std::int64_t kImbalanceRatio = 4;

// Images up to this side are "small": smallcnn at their own size beats a big model scaled up.
constexpr int kSmallImageSide = 96;

// Optimizer steps a small set gets at least, whatever its epochs: the demo's 168 images in
// batches of 42 for 30 epochs were 120 steps and stopped at 67% test accuracy; 1,800 steps of
// 16 reach 97-100% (3 seeds). Large sets reach it with their epochs anyway.
constexpr std::int64_t kMinSteps = 1800;
// ... within this many epochs and images through the model, so that a handful of images does
// not train for thousands of epochs, nor a few hundred for half an hour.
constexpr std::int64_t kMaxEpochs = 200;
constexpr std::int64_t kMaxBudgetImages = 36000;
// The smallest batch the defaults use: small batches give small sets more steps per epoch.
constexpr int kMinBatch = 16;
// Those extra passes cost time on a CPU, so there smallcnn looks at a small set at most at
// this side. On generated 3-class surface sets (bench/small_data_bench.sh) 80 px reached
// 96.3% mean test accuracy over 3 sets where 64 px lost thin scratches (95.1%), in about
// 2 minutes on 2 cores; 96 px costs another half of that again.
constexpr int kStepBudgetSide = 80;

// Segmentation and detection validate after every this many epochs (setRegionTraining).
constexpr int kRegionValidateEvery = 5;

// Fewer passes over big datasets; small ones need more to converge. 13 for big ones:
// on Fashion-MNIST smallcnn gained about 0.15 points from the 13th epoch (3 seeds) and
// still trains in about 8 minutes on 2 CPU cores.
std::int64_t epochsForSize(std::int64_t trainSamples) {
    if (trainSamples >= 20000) {
        return 13;
    }
    return trainSamples >= 2000 ? 20 : 30;
}

std::int64_t stepsPerEpoch(std::int64_t trainSamples, int batchSize) {
    return std::max<std::int64_t>(1, trainSamples / std::max(1, batchSize)); // drops the last
}

} // namespace

int median(std::vector<int> values) {
    if (values.empty()) {
        return 0;
    }
    auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

void setInputChannels(TrainOptions& options, bool allGray) {
    options.channels = allGray ? 1 : 3;
    if (options.channels == 1) {
        options.mean = {0.5};
        options.std = {0.25};
    } else {
        options.mean = {0.485, 0.456, 0.406};
        options.std = {0.229, 0.224, 0.225};
    }
}

void setRegionTraining(TrainOptions& options, bool cuda) {
    options.optimizer = OptimizerKind::AdamW;
    options.weightDecay = 1e-4;
    options.schedule.kind = LrScheduleOptions::Kind::OneCycle;
    options.labelSmoothing = 0;
    options.channelsLast = true;
    options.precision = cuda ? Precision::Float16 : Precision::Float32;
    options.augmentation.horizontalFlip = 0.5;
    options.augmentation.verticalFlip = 0.5;
    options.augmentation.rotate90 = 0.5;
    options.augmentation.shift.probability = 0.5;
    options.augmentation.shift.maxFraction = 0.05;
    options.augmentation.colorJitter.probability = 0.8;
    // Validating whole images costs about four fifths of an epoch of the segmentation bench's
    // crops and a seventh of one for detection (10 epochs validating each or every fifth:
    // 20 s or 13 s, 60 s or 54 s). Over 41 runs of both benches, the best
    // validated figure among every fifth epoch and the last was within 0.008 of the best of
    // all epochs (the weight average keeps the late epochs alike).
    options.validateEvery = kRegionValidateEvery;
}

namespace {

std::vector<int> longSides(const std::vector<loader::LoaderSample>& samples) {
    std::vector<int> sides;
    for (const auto& sample : samples) {
        if (sample.imageWidth > 0 && sample.imageHeight > 0) {
            sides.push_back(std::max(sample.imageWidth, sample.imageHeight));
        }
    }
    return sides;
}

} // namespace

int medianLongSide(const std::vector<loader::LoaderSample>& samples) {
    return median(longSides(samples));
}

std::string defaultsEnding(const TrainOptions& options) {
    const std::string validation =
        options.validateEvery > 1
            ? ", validated every " + std::to_string(options.validateEvery) + " epochs"
            : "";
    return validation + (options.emaHorizon > 0 ? ", weights averaged over " +
                                                      std::to_string(options.emaHorizon) + " steps."
                                                : ".");
}

int longSideQuantile(const std::vector<loader::LoaderSample>& samples, double share) {
    std::vector<int> sides = longSides(samples);
    if (sides.empty()) {
        return 0;
    }
    std::sort(sides.begin(), sides.end());
    const auto rank =
        static_cast<std::size_t>(std::ceil(share * static_cast<double>(sides.size())));
    return sides[std::clamp<std::size_t>(rank, 1, sides.size()) - 1];
}

DatasetShape datasetShape(Project& project) {
    DatasetShape shape;
    store::SampleRepository samples(project.database());
    shape.classes = static_cast<int>(samples.classCount());
    std::vector<int> widths;
    std::vector<int> heights;
    bool allGray = true;
    std::map<std::int64_t, std::int64_t> perClass;
    for (const store::ImageShapeRow& image : samples.trainingImageShapes()) {
        ++perClass[image.classId];
        widths.push_back(image.width);
        heights.push_back(image.height);
        allGray = allGray && image.channels == 1;
    }
    shape.trainSamples = static_cast<std::int64_t>(widths.size());
    shape.medianWidth = median(widths);
    shape.medianHeight = median(heights);
    shape.allGray = allGray && !widths.empty();
    for (const auto& [id, count] : perClass) {
        shape.smallestClass =
            shape.smallestClass == 0 ? count : std::min(shape.smallestClass, count);
        shape.largestClass = std::max(shape.largestClass, count);
    }
    return shape;
}

TrainOptions defaultOptions(const DatasetShape& shape, const std::string& device,
                            const std::optional<std::string>& model) {
    TrainOptions options;
    options.device = device;
    const bool cuda = device.rfind("cuda", 0) == 0;
    const int side = std::max(shape.medianWidth, shape.medianHeight);
    const bool small = side > 0 && side <= kSmallImageSide;
    options.model = model.value_or(small || !cuda ? "smallcnn" : "resnet18");

    const auto& architecture = models::architecture(options.model);
    if (options.model == "smallcnn") {
        // Its own size, rounded to a multiple of 4 for the pooling stages, at most 96 px
        // (larger images are scaled down: on a CPU, pixels cost time).
        const int own = side > 0 ? side : architecture.defaultImageSize;
        options.imageSize =
            std::clamp((own + 3) / 4 * 4, architecture.minImageSize, kSmallImageSide);
    } else {
        options.imageSize = architecture.defaultImageSize;
    }
    setInputChannels(options, shape.allGray);

    // Training is budgeted in optimizer steps: the batch halves (down to kMinBatch) until
    // the size's epochs give kMinSteps, and if even that is short, epochs are added.
    const std::int64_t samples = shape.trainSamples;
    const std::int64_t byEpochs = epochsForSize(samples);
    options.epochs = byEpochs;
    options.batchSize = options.model != "smallcnn" ? (cuda ? 64 : 32) : 128;
    while (options.batchSize > kMinBatch &&
           byEpochs * stepsPerEpoch(samples, options.batchSize) < kMinSteps) {
        options.batchSize /= 2;
    }
    if (samples > 0) {
        options.batchSize = static_cast<int>(std::min<std::int64_t>(options.batchSize, samples));
        const std::int64_t steps = stepsPerEpoch(samples, options.batchSize);
        const std::int64_t most =
            std::max(byEpochs, std::min(kMaxEpochs, kMaxBudgetImages / samples));
        options.epochs = std::clamp((kMinSteps + steps - 1) / steps, byEpochs, most);
    }
    if (options.epochs > byEpochs && !cuda && options.model == "smallcnn") {
        options.imageSize = std::min(options.imageSize, kStepBudgetSide);
    }
    options.optimizer = OptimizerKind::Sgd;
    options.momentum = 0.9;
    options.nesterov = true;
    options.weightDecay = 5e-4;
    options.schedule.kind = LrScheduleOptions::Kind::OneCycle;
    options.schedule.baseLr = kLrPer128Images * options.batchSize / 128.0;
    options.labelSmoothing = 0.1;
    options.channelsLast = true; // faster on CUDA and, through oneDNN, on CPUs too
    options.precision = cuda ? Precision::Float16 : Precision::Float32;
    options.classWeights =
        shape.smallestClass > 0 && shape.largestClass >= kImbalanceRatio * shape.smallestClass;

    // Parts on a line are seen from a fixed camera: small shifts and mirror images, not
    // heavy crops.
    options.augmentation.horizontalFlip = 0.5;
    options.augmentation.shift.probability = 1.0;
    options.augmentation.shift.maxFraction = small ? 0.08 : 0.05;
    if (!small) {
        options.augmentation.resizedCrop.probability = 0.5;
        options.augmentation.resizedCrop.minScale = 0.6;
        options.augmentation.colorJitter.probability = 0.5;
    }
    return options;
}

std::string describeDefaults(const TrainOptions& options, const DatasetShape& shape) {
    const std::int64_t steps =
        options.epochs * stepsPerEpoch(shape.trainSamples, options.batchSize);
    return "Picked " + options.model + " at " + std::to_string(options.imageSize) + " px, " +
           (options.channels == 1 ? "gray" : "RGB") + ", " + std::to_string(options.epochs) +
           " epochs (" + std::to_string(steps) + " steps" +
           (options.epochs > epochsForSize(shape.trainSamples)
                ? ": a small set gets enough optimizer steps to converge"
                : "") +
           "), batch size " + std::to_string(options.batchSize) + ", learning rate " +
           std::to_string(options.schedule.baseLr).substr(0, 6) + " (one-cycle) for " +
           std::to_string(shape.trainSamples) + " training images of median size " +
           std::to_string(shape.medianWidth) + "x" + std::to_string(shape.medianHeight) + "." +
           (options.classWeights && shape.smallestClass > 0
                ? " Class weights on: the largest class has " +
                      std::to_string(shape.largestClass / shape.smallestClass) +
                      " times the images of the smallest."
                : "");
}

void setBatchSize(TrainOptions& options, int batchSize) {
    options.schedule.baseLr *= static_cast<double>(batchSize) / options.batchSize;
    options.batchSize = batchSize;
}

} // namespace kestrel::train
