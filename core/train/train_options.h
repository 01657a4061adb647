#pragma once

#include "common/task_kind.h"
#include "imaging/augment_options.h"
#include "inspection/area_verdict.h"
#include "models/architectures.h"
#include "train/lr_schedule.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kestrel::train {

enum class OptimizerKind { Sgd, Adam, AdamW };
// Float16 uses dynamic loss scaling; both mixed-precision modes apply only on CUDA.
enum class Precision { Float32, Float16, BFloat16 };

// Everything that shapes a training run. A run stores all of it (see run_params.h), so
// `eval`, `export` and `--resume` rebuild exactly the same model and schedule.
struct TrainOptions {
    TaskKind task = TaskKind::Classification;
    std::string model = "smallcnn";
    std::int64_t epochs = 10;
    int batchSize = 64; // the global batch: all ranks' together
    // Data-parallel ranks that train together (distributed/). The learning rate is set for
    // the global batch; each rank takes batchSize / worldSize images of it per step.
    int worldSize = 1;
    // With several ranks: batch norms take their training statistics over the whole global
    // batch (one all-reduce per batch norm and step each way) instead of each rank's share,
    // as DDP does by default. Worth it when a rank's share is small. One process: no effect.
    bool syncBatchNorm = false;
    int imageSize = 28; // square: width = height
    int channels = 1;   // 1 gray, 3 RGB
    // Per-channel normalisation applied to [0, 1] pixels before the model (and, later,
    // inside exported models).
    std::vector<double> mean = {0.5};
    std::vector<double> std = {0.5};

    OptimizerKind optimizer = OptimizerKind::Sgd;
    double momentum = 0.9;
    bool nesterov = true;
    double weightDecay = 5e-4;
    LrScheduleOptions schedule;
    double labelSmoothing = 0.1;
    bool classWeights = false;   // weight the loss by 1 / class frequency
    double gradientClipNorm = 0; // 0: off
    // Validate, keep and export an exponential moving average of the weights over about this
    // many optimizer steps (WeightAverage) instead of the last step's; 0: off.
    int emaHorizon = 0;
    // Evaluate and export the mean of the model's logits over the image and its mirror images
    // (Classifier::setAverageMirrors; segmentation's default). Only where the augmentations
    // mirror both ways: see modelSpec.
    bool averageMirrors = false;

    std::string device = "auto"; // auto, cpu, cuda, cuda:N
    Precision precision = Precision::Float32;
    bool channelsLast = false;
    int threads = 0; // intra-op CPU threads; 0: one per core

    // Early stopping: stop after this many epochs without a better `monitor`; 0: off.
    int patience = 0;
    // Validate (and so judge, keep "best" and draw the validation curves) after every this
    // many epochs, and always after the last: validating whole images can cost as much as
    // a third of a small model's epoch. See isValidationEpoch.
    int validateEvery = 1;
    std::string monitor = "val_accuracy"; // one of the task's monitorMetrics()

    std::uint64_t seed = 0;
    int workers = 2; // decoding threads
    imaging::AugmentOptions augmentation;
    std::filesystem::path initWeights; // a torchvision state_dict, optional
    // An earlier run's checkpoint to start from (continue training on the current samples).
    // Without `initCheckpointHead` its last layer stays fresh: the class list has changed.
    std::filesystem::path initCheckpoint;
    bool initCheckpointHead = true;

    // The operating point for the line (inspection/operating_point.h): the class of parts that
    // pass, empty for the first class named good, ok, okay, pass or normal; and the share of
    // defects the NG threshold must catch on the validation images.
    std::string goodClass;
    double targetDefectRecall = 0.995;

    // Segmentation's verdict (inspection/area_verdict.h): the area a defect class may cover
    // and the part still pass, in pixels or mm² ("scratch=0.5mm2"), and the pixel size in mm.
    std::vector<inspection::MinimumArea> minimumAreas;
    double pixelSizeMm = 0;

    // Segmentation: train on `cropSize` squares cut from each augmented image, a share
    // `defectCropShare` of them around a defect pixel (loader/loader_options.h); validation
    // and export still see whole images. 0: whole images.
    int cropSize = 0;
    double defectCropShare = 0.67;
    // Segmentation with crops: the run's last this many epochs train on whole images, from
    // the weight average, on a short schedule of their own (LrRestart): the crops never show
    // the model a whole part, and it learns there what bare surface does not hold a defect.
    // 0: crops to the end.
    std::int64_t wholeImageEpochs = 0;
    // Segmentation: each image keeps its own pixels in the model's input, centred and padded
    // (imaging::ImageSpec::Resize::Pad), instead of being stretched to it. Stretching a part
    // of 146 x 121 px to 144 x 144 resamples a 1 px scratch and its mask differently.
    bool keepImageScale = false;
};

OptimizerKind parseOptimizerKind(const std::string& name);
std::string toString(OptimizerKind kind);
Precision parsePrecision(const std::string& name);
std::string toString(Precision precision);

// Throws kestrel::Error (InvalidArgument) naming the first value out of range.
void validate(const TrainOptions& options);

// Whether the run validates after this epoch (0-based): every options.validateEvery-th, and
// the last.
bool isValidationEpoch(const TrainOptions& options, std::int64_t epoch);

// Whether training shows the model its images mirrored left-right and top-bottom: a left-right
// flip with a top-bottom flip or quarter turns (a turn and a flip make the other flip).
bool mirrorsBothWays(const imaging::AugmentOptions& augmentation);

// The model a run trains, evaluates and exports: averageMirrors only for segmentation, when
// asked for and mirrorsBothWays, since a model never shown a mirrored defect has no cause to
// see it alike.
models::ClassifierSpec modelSpec(const TrainOptions& options, int classes);

// After the image size was changed from the defaults': a training crop as large as the
// image cuts nothing, so the run trains on whole images (cropSize 0). Inline: the window's
// forms use it without the ML library.
inline void dropCropThatFillsTheImage(TrainOptions& options) {
    if (options.cropSize >= options.imageSize) {
        options.cropSize = 0;
        options.wholeImageEpochs = 0;
    }
}

// After the epochs were changed from `epochsBefore` (the defaults' or an earlier run's): the
// whole-image epochs keep their share of the run, rounded down, and at least one epoch is
// left on crops. Inline for the window's forms, as above.
inline void keepWholeImageShare(TrainOptions& options, std::int64_t epochsBefore) {
    if (options.cropSize == 0 || epochsBefore <= 0) {
        options.wholeImageEpochs = 0;
        return;
    }
    if (options.epochs == epochsBefore) {
        return;
    }
    const std::int64_t kept = options.wholeImageEpochs * options.epochs / epochsBefore;
    options.wholeImageEpochs = kept < options.epochs ? kept : options.epochs - 1;
    if (options.wholeImageEpochs < 0) {
        options.wholeImageEpochs = 0;
    }
}

// The first epoch (0-based) that trains on whole images; options.epochs when none does.
inline std::int64_t firstWholeImageEpoch(const TrainOptions& options) {
    return options.cropSize > 0 && options.wholeImageEpochs > 0
               ? options.epochs - options.wholeImageEpochs
               : options.epochs;
}

} // namespace kestrel::train
