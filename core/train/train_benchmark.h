#pragma once

#include "train/train_options.h"

#include <cstdint>
#include <string>

namespace kestrel::train {

struct TrainBenchmarkOptions {
    std::string model = "resnet18";
    int imageSize = 224;
    int batchSize = 32;
    int channels = 3;
    int classes = 10;
    std::int64_t steps = 20;      // timed
    std::int64_t warmupSteps = 3; // untimed: allocator, cuDNN autotuning, caches
    std::string device = "auto";
    Precision precision = Precision::Float32;
    bool channelsLast = true; // as training defaults to: benchmark what training does
    int threads = 0;
    std::uint64_t seed = 0;
};

struct TrainBenchmarkResult {
    double imagesPerSecond = 0;
    double seconds = 0;
    std::int64_t images = 0;
    std::string device;
};

// Times training steps (TrainStep: forward, loss, backward, SGD with Nesterov momentum) on
// one fixed random batch already on the device, so the figure is the model's training
// speed, not the loader's; bench/train_peer.py does the same in PyTorch.
TrainBenchmarkResult benchmarkTraining(const TrainBenchmarkOptions& options);

} // namespace kestrel::train
