#include "train/detection_defaults.h"

#include "models/architectures.h"
#include "train/default_settings.h"

#include <algorithm>
#include <cmath>

namespace kestrel::train {

namespace {

constexpr int kDetMinSide = 128;
constexpr int kDetMaxCpuSide = 256;
constexpr int kDetMaxGpuSide = 640;
// The models the defaults pick: the small one trains 2.5 times as fast on a CPU.
constexpr const char* kDetCpuModel = "fcos_small";
constexpr const char* kDetGpuModel = "fcos_resnet18";
// Images through the model at 256 px, scaled by pixels for other sizes. On the detection
// bench (bench/detection_bench.sh: 210 training images of about 140 px at 160 px) 12,000 for
// fcos_small are 146 epochs, about 12 minutes on 2 cores, and test mAP50 rose to 0.50;
// fcos_resnet18 reached 0.37 from 6,000 (73 epochs) in 16 minutes.
constexpr double kDetCpuBudgetImages = 12000;
constexpr double kDetCpuBudgetImagesWide = 6000; // the torchvision-width detectors
constexpr double kDetGpuBudgetImages = 40000;
// The weight average's horizon in optimizer steps: on the bench's 26 batches an epoch, about
// the last 19 of 146 epochs. There it changed little at the end (test mAP50 0.545 to 0.563 on
// seed 0, 0.350 to 0.357 on seed 1) but much mid-run (validation mAP50 at epoch 75: 0.29 to
// 0.47, 0.33 to 0.39), so a run stopped early keeps a better model.
constexpr int kDetEmaHorizon = 500;
constexpr std::int64_t kDetMinEpochs = 10;
constexpr std::int64_t kDetMaxEpochs = 200;

} // namespace

TrainOptions defaultDetectionOptions(const std::vector<loader::LoaderSample>& train, bool allGray,
                                     const std::string& device,
                                     const std::optional<std::string>& model) {
    TrainOptions options;
    options.task = TaskKind::Detection;
    options.device = device;
    const bool cuda = device.rfind("cuda", 0) == 0;
    options.model = model.value_or(cuda ? kDetGpuModel : kDetCpuModel);
    const auto& architecture = models::architecture(options.model);
    const int median = medianLongSide(train);
    const int side = median > 0 ? median : architecture.defaultImageSize;
    const int step = architecture.sizeMultiple;
    options.imageSize = std::clamp((side + step / 2) / step * step, kDetMinSide,
                                   cuda ? kDetMaxGpuSide : kDetMaxCpuSide);
    setInputChannels(options, allGray);
    options.batchSize = cuda ? 16 : 8;
    const double cpuBudget =
        options.model == kDetCpuModel ? kDetCpuBudgetImages : kDetCpuBudgetImagesWide;
    const double budget = (cuda ? kDetGpuBudgetImages : cpuBudget) * (256.0 * 256.0) /
                          (static_cast<double>(options.imageSize) * options.imageSize);
    const auto samples = static_cast<double>(std::max<std::size_t>(train.size(), 1));
    options.epochs = std::clamp(static_cast<std::int64_t>(std::lround(budget / samples)),
                                kDetMinEpochs, kDetMaxEpochs);
    if (!train.empty()) {
        options.batchSize = static_cast<int>(
            std::min<std::size_t>(static_cast<std::size_t>(options.batchSize), train.size()));
    }
    setRegionTraining(options, cuda);
    options.schedule.baseLr = 2e-3;
    options.emaHorizon = kDetEmaHorizon;
    options.monitor = "val_map50_95";
    return options;
}

std::string describeDetectionDefaults(const TrainOptions& options, std::size_t trainSamples) {
    return "Detection defaults: " + options.model + " at " + std::to_string(options.imageSize) +
           " px (letterboxed), " + std::to_string(options.epochs) + " epochs of " +
           std::to_string(trainSamples) + " training images in batches of " +
           std::to_string(options.batchSize) + ", AdamW with focal, GIoU and centreness losses" +
           defaultsEnding(options);
}

} // namespace kestrel::train
