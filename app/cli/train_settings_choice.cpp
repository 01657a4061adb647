// How `kestrel-cli train` settles a new run's settings (its task's defaults, then the options
// given over them) and refuses options that a resumed or joined run already records.
#include "common/error.h"
#include "common/task_kind.h"
#include "inspection/area_verdict.h"
#include "models/architectures.h"
#include "models/device.h"
#include "project/project.h"
#include "runs/detection_data.h"
#include "runs/segmentation_data.h"
#include "runs/training_session.h"
#include "train/default_settings.h"
#include "train/detection_defaults.h"
#include "train/segmentation_defaults.h"
#include "train_command_steps.h"
#include "training_settings.h"
#include "weights/torchvision_files.h"
#include "weights/weights_store.h"

#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kestrel::cli {

namespace {

// Where the model starts: the weights store's ImageNet weights when asked for, or by default
// when the store has them for the chosen architecture (and the run starts from nothing else).
void chooseStartingWeights(const TrainCommandOptions& given, train::TrainOptions& options) {
    if (given.weights && *given.weights != "imagenet" && *given.weights != "scratch") {
        throw Error(ErrorKind::InvalidArgument,
                    "--weights is \"" + *given.weights + "\"; it takes imagenet or scratch.");
    }
    if (given.initWeights || given.fromRun || given.weights == "scratch") {
        return;
    }
    const weights::WeightsStore store(weights::WeightsStore::defaultFolder());
    // A detector's backbone starts from its classifier's weights (fcos_resnet18: resnet18's).
    const std::string pretrained = models::pretrainedWeightsName(options.model);
    const auto stored = store.find(pretrained);
    if (given.weights == "imagenet") {
        if (!weights::torchvisionFileName(pretrained)) {
            const std::string example = options.task == TaskKind::Detection ? "fcos_resnet18"
                                        : options.task == TaskKind::Segmentation
                                            ? "lraspp_mobilenet_v3_large"
                                            : "resnet18";
            throw Error(ErrorKind::InvalidArgument,
                        options.model + " has no ImageNet weights; --model " + example +
                            " or another on a torchvision architecture has.");
        }
        if (!stored) {
            throw Error(ErrorKind::NotFound,
                        "The weights store (" + store.folder().string() + ") has no weights for " +
                            pretrained + ": `kestrel-cli weights fetch " + pretrained +
                            "` downloads them, or `kestrel-cli weights import FILE --model " +
                            pretrained + "` keeps a file you have.");
        }
    }
    if (stored) {
        options.initWeights = stored->file;
        if (!given.weights) {
            std::cerr << "Starting from " << pretrained << "'s pretrained weights in the store ("
                      << stored->file.string() << "); --weights scratch starts from random ones.\n";
        }
    }
}

// True when an option was given that the defaults sentence names (model, input, epochs,
// batch, optimizer, crops, mirrors, validation, weight average, class weights): the sentence
// describes the defaults alone, so it would then misdescribe the run.
bool describedSettingGiven(const TrainCommandOptions& given) {
    // Segmentation's says whether it judges over mirror images, which the flips decide.
    const bool flipsNamed = given.task == std::optional<std::string>("segmentation");
    return !given.shapeAllDefault() || given.fromRun || given.optimizer || given.schedule ||
           given.validateEvery || given.ema || given.classWeights || given.noClassWeights ||
           given.cropSize || given.defectCrops || given.wholeImageEpochs || given.resize ||
           given.mirrors ||
           (flipsNamed && (given.noAugment || given.anyOrientation || !given.augment.empty()));
}

} // namespace

train::TrainOptions chooseOptions(Project& project, const TrainCommandOptions& given) {
    // Checked first, so a misspelt task gets one sentence and nothing else.
    const TaskKind task =
        given.task ? parseTaskKind(*given.task, "--task") : TaskKind::Classification;
    const std::string device = models::resolveDevice(given.device);
    const train::DatasetShape shape = train::datasetShape(project);
    const bool segmentation = task == TaskKind::Segmentation && !given.fromRun;
    const bool detection = task == TaskKind::Detection && !given.fromRun;
    std::size_t regionSamples = 0; // segmentation's and detection's training images
    train::TrainOptions options;
    if (given.fromRun) {
        options = runs::continuationOptions(project, *given.fromRun);
    } else if (segmentation) {
        const auto data = runs::loadSegmentationData(project, given.seed.value_or(0));
        regionSamples = data.data.train.size();
        options =
            train::defaultSegmentationOptions(data.data.train, shape.allGray, device, given.model);
    } else if (detection) {
        const auto data = runs::loadDetectionData(project, given.seed.value_or(0));
        regionSamples = data.data.train.size();
        options =
            train::defaultDetectionOptions(data.data.train, shape.allGray, device, given.model);
    } else {
        options = train::defaultOptions(shape, device, given.model);
    }
    if (given.task) {
        options.task = task; // with --from-run, checked against that run's
    }
    if (given.model) {
        options.model = *given.model; // with --from-run, checked against that run's
    }
    if (!describedSettingGiven(given)) {
        std::cerr << (segmentation ? train::describeSegmentationDefaults(options, regionSamples)
                      : detection  ? train::describeDetectionDefaults(options, regionSamples)
                                   : train::describeDefaults(options, shape))
                  << "\n";
    }
    const std::int64_t epochsBefore = options.epochs;
    applyTrainingSettings(given, options);
    if (given.initWeights) {
        options.initWeights = *given.initWeights;
    }
    chooseStartingWeights(given, options);
    if (given.optimizer) {
        options.optimizer = train::parseOptimizerKind(*given.optimizer);
    }
    if (given.schedule) {
        options.schedule.kind = train::parseLrScheduleKind(*given.schedule);
    }
    options.weightDecay = given.weightDecay.value_or(options.weightDecay);
    options.labelSmoothing = given.labelSmoothing.value_or(options.labelSmoothing);
    options.emaHorizon = given.ema.value_or(options.emaHorizon);
    options.gradientClipNorm = given.clipGrad.value_or(options.gradientClipNorm);
    if (given.precision) {
        options.precision = train::parsePrecision(*given.precision);
    }
    options.patience = given.patience.value_or(options.patience);
    options.validateEvery = given.validateEvery.value_or(options.validateEvery);
    options.monitor = given.monitor.value_or(options.monitor);
    options.workers = given.workers.value_or(options.workers);
    options.threads = given.threads.value_or(options.threads);
    if (given.syncBatchNorm) {
        options.syncBatchNorm = true; // else the defaults' (or the run's) choice
    }
    if (given.classWeights || given.noClassWeights) {
        options.classWeights = given.classWeights; // else the defaults' (or the run's) choice
    }
    options.goodClass = given.goodClass.value_or(options.goodClass);
    options.targetDefectRecall = given.targetRecall.value_or(options.targetDefectRecall);
    if (!given.minimumAreas.empty() || given.pixelSize) {
        if (options.task != TaskKind::Segmentation) {
            throw Error(ErrorKind::InvalidArgument,
                        "--min-area and --pixel-size are for --task segmentation.");
        }
        options.minimumAreas.clear();
        for (const auto& text : given.minimumAreas) {
            options.minimumAreas.push_back(inspection::parseMinimumArea(text));
        }
        options.pixelSizeMm = given.pixelSize.value_or(options.pixelSizeMm);
    }
    if (given.resize) {
        if (options.task != TaskKind::Segmentation) {
            throw Error(ErrorKind::InvalidArgument, "--resize is for --task segmentation.");
        }
        options.keepImageScale = *given.resize == "pad";
    }
    if (given.mirrors) {
        if (options.task != TaskKind::Segmentation) {
            throw Error(ErrorKind::InvalidArgument, "--mirrors is for --task segmentation.");
        }
        options.averageMirrors = *given.mirrors == "on";
    }
    if (given.cropSize || given.defectCrops) {
        if (options.task != TaskKind::Segmentation) {
            throw Error(ErrorKind::InvalidArgument,
                        "--crop-size and --defect-crops are for --task segmentation.");
        }
        options.cropSize = given.cropSize.value_or(options.cropSize);
        options.defectCropShare = given.defectCrops.value_or(options.defectCropShare);
    } else {
        train::dropCropThatFillsTheImage(options); // after an --image-size this small
    }
    if (given.wholeImageEpochs) {
        if (options.task != TaskKind::Segmentation) {
            throw Error(ErrorKind::InvalidArgument,
                        "--whole-image-epochs is for --task segmentation.");
        }
        options.wholeImageEpochs = *given.wholeImageEpochs;
    } else {
        train::keepWholeImageShare(options, epochsBefore);
    }
    return options;
}

namespace {

// The first option given that a run records (or that only a new run uses), by its flag; none
// when only the device, threads, workers and output options were given.
std::optional<std::string> recordedSettingGiven(const TrainCommandOptions& given) {
    const std::vector<std::pair<bool, const char*>> settings = {
        {given.task.has_value(), "--task"},
        {given.model.has_value(), "--model"},
        {given.epochs.has_value(), "--epochs"},
        {given.batchSize.has_value(), "--batch-size"},
        {given.imageSize.has_value(), "--image-size"},
        {given.lr.has_value(), "--lr"},
        {given.seed.has_value(), "--seed"},
        {given.initWeights.has_value(), "--init-weights"},
        {given.weights.has_value(), "--weights"},
        {given.fromRun.has_value(), "--from-run"},
        {given.optimizer.has_value(), "--optimizer"},
        {given.schedule.has_value(), "--schedule"},
        {given.weightDecay.has_value(), "--weight-decay"},
        {given.labelSmoothing.has_value(), "--label-smoothing"},
        {given.classWeights, "--class-weights"},
        {given.noClassWeights, "--no-class-weights"},
        {given.clipGrad.has_value(), "--clip-grad"},
        {given.ema.has_value(), "--ema"},
        {given.precision.has_value(), "--precision"},
        {given.patience.has_value(), "--patience"},
        {given.validateEvery.has_value(), "--validate-every"},
        {given.monitor.has_value(), "--monitor"},
        {given.syncBatchNorm, "--sync-batch-norm"},
        {given.noAugment, "--no-augment"},
        {given.anyOrientation, "--any-orientation"},
        {!given.augment.empty(), "--augment"},
        {given.goodClass.has_value(), "--good-class"},
        {given.targetRecall.has_value(), "--target-recall"},
        {!given.minimumAreas.empty(), "--min-area"},
        {given.pixelSize.has_value(), "--pixel-size"},
        {given.cropSize.has_value(), "--crop-size"},
        {given.defectCrops.has_value(), "--defect-crops"},
        {given.wholeImageEpochs.has_value(), "--whole-image-epochs"},
        {given.resize.has_value(), "--resize"},
        {given.mirrors.has_value(), "--mirrors"},
        {given.method.has_value(), "--method"},
        {given.backbone.has_value(), "--backbone"},
        {given.coreset.has_value(), "--coreset"},
        {given.neighbours.has_value(), "--neighbours"},
        {given.padimChannels.has_value(), "--padim-channels"},
        {!given.layers.empty(), "--layers"},
        {given.recomputeBatchNorm.has_value(), "--recompute-bn"},
        {given.weightsFromRun.has_value(), "--weights-from-run"},
    };
    for (const auto& [isGiven, flag] : settings) {
        if (isGiven) {
            return flag;
        }
    }
    return std::nullopt;
}

} // namespace

void refuseSettingsOfRecordedRun(const TrainCommandOptions& given) {
    // Every setting is refused, not only those that would change the run: one that was
    // silently ignored (a new --patience, say) would let the user believe it applied.
    if (const auto flag = recordedSettingGiven(given)) {
        throw Error(ErrorKind::InvalidArgument,
                    (given.resume ? "--resume continues run " + std::to_string(*given.resume)
                                  : "--join-run trains run " + std::to_string(*given.joinRun)) +
                        " with the settings it started with; leave out " + *flag +
                        " and the other training options.");
    }
}

} // namespace kestrel::cli
