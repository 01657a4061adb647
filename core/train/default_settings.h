#pragma once

#include "loader/loader_options.h"
#include "train/train_options.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::train {

// What the defaults are chosen from: the labelled, readable training images.
struct DatasetShape {
    std::int64_t trainSamples = 0;
    int classes = 0;
    int medianWidth = 0;
    int medianHeight = 0;
    bool allGray = false; // every image has one channel
    // Training images in the smallest and the largest class (of those that have any).
    std::int64_t smallestClass = 0;
    std::int64_t largestClass = 0;
};

DatasetShape datasetShape(Project& project);

// The middle value (the upper one of an even count), 0 for none: image sizes for defaults.
int median(std::vector<int> values);
// One channel when every image is gray, else three; and the normalisation for it (ImageNet's
// statistics for RGB: what torchvision's pretrained weights expect).
void setInputChannels(TrainOptions& options, bool allGray);

// What the region tasks (segmentation, detection) train with: AdamW (weight decay 1e-4) on a
// one-cycle schedule, no label smoothing, channels-last, float16 on CUDA, and augmentations
// that move masks and boxes exactly with the pixels (flips, quarter turns, small shifts) plus
// brightness and contrast; no blur, which would erase thin defects. The caller sets the
// learning rate and the monitored metric.
void setRegionTraining(TrainOptions& options, bool cuda);

// The median of each sample's longer side, of those with a recorded size; 0 for none.
int medianLongSide(const std::vector<loader::LoaderSample>& samples);

// How a defaults sentence ends: ", validated every N epochs" when not after each one, then
// ", weights averaged over M steps." with a weight average, else ".".
std::string defaultsEnding(const TrainOptions& options);

// The longer side that a `share` (0-1] of the samples with a recorded size do not exceed;
// 0 for none.
int longSideQuantile(const std::vector<loader::LoaderSample>& samples, double share);

// Sensible settings for this data on this device ("cpu" or "cuda:N"): a model (smallcnn for
// small images or a CPU, resnet18 otherwise), its input size and channels, SGD with Nesterov
// momentum on a one-cycle schedule, label smoothing and light augmentation; class weights in
// the loss when the largest class has at least four times the images of the smallest.
// Epochs and batch size follow a budget of optimizer steps: big sets keep their epochs and
// full batches; smaller ones get smaller batches (down to 16) and, when that is not enough,
// more epochs (at most 200, or about 36,000 images through the model), so that tens of images
// still get 1,800 steps; on a CPU smallcnn then trains at 80 px at most, to stay within minutes.
// `model`, when given, is kept and the rest fits it.
TrainOptions defaultOptions(const DatasetShape& shape, const std::string& device,
                            const std::optional<std::string>& model = {});

// Sets the batch size and keeps the learning rate in step with it (the linear scaling rule,
// Goyal et al. 2017: the defaults use 0.1 per 128 images), so that a batch given on the
// command line or shrunk to fit a small fold trains as the defaults would.
void setBatchSize(TrainOptions& options, int batchSize);

// One line saying what was picked and why, for the command line and the GUI.
std::string describeDefaults(const TrainOptions& options, const DatasetShape& shape);

} // namespace kestrel::train
