#include "train/train_benchmark.h"

#include "models/device.h"
#include "models/model_input.h"
#include "models/model_registry.h"
#include "tasks/task.h"
#include "train/loss_scaler.h"
#include "train/optimizer_factory.h"
#include "train/train_step.h"
#include "train/trainer.h"

#include <chrono>

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

namespace kestrel::train {

TrainBenchmarkResult benchmarkTraining(const TrainBenchmarkOptions& options) {
    TrainBenchmarkResult result;
    result.device = models::resolveDevice(options.device);
    const torch::Device device(result.device);
    prepareCpuForTraining(options.threads);
    torch::manual_seed(options.seed);

    TrainOptions train;
    train.model = options.model;
    train.imageSize = options.imageSize;
    train.batchSize = options.batchSize;
    train.channels = options.channels;
    train.mean.assign(static_cast<std::size_t>(options.channels), 0.5);
    train.std.assign(static_cast<std::size_t>(options.channels), 0.25);
    train.schedule.baseLr = 0.01;
    train.channelsLast = options.channelsLast;
    validate(train);

    const tasks::Task& task = tasks::taskFor(train.task);
    auto model = task.createModel({options.model, options.classes, options.channels});
    model->to(device);
    if (options.channelsLast) {
        at::NoGradGuard noGradients;
        for (auto& parameter : model->parameters()) {
            if (parameter.dim() == 4) {
                parameter.set_data(parameter.contiguous(at::MemoryFormat::ChannelsLast));
            }
        }
    }
    model->train();
    auto optimizer = createOptimizer(train, *model);
    const bool cuda = device.is_cuda();
    LossScaler scaler(cuda && options.precision == Precision::Float16);
    const auto loss = task.createLoss({0.1, false}, {}, options.classes, device);
    TrainStep step(*model, *optimizer, scaler, cuda ? options.precision : Precision::Float32, *loss,
                   0);
    const models::ModelInput input(train.mean, train.std, device, options.channelsLast);

    const torch::Tensor images =
        torch::rand({options.batchSize, options.channels, options.imageSize, options.imageSize});
    const torch::Tensor labels =
        torch::randint(options.classes, {options.batchSize}, torch::kInt64).to(device);
    // Reading a parameter waits for the last optimizer step (torch::cuda::synchronize is
    // not in LibTorch 1.13).
    const auto synchronize = [&] {
        model->parameters().front().sum().item<double>();
    };
    for (std::int64_t i = 0; i < options.warmupSteps; ++i) {
        step(input(images), labels);
    }
    synchronize();
    const auto start = std::chrono::steady_clock::now();
    for (std::int64_t i = 0; i < options.steps; ++i) {
        step(input(images), labels); // reads the loss each step, as training does
    }
    synchronize();
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.images = options.steps * options.batchSize;
    result.imagesPerSecond = static_cast<double>(result.images) / result.seconds;
    return result;
}

} // namespace kestrel::train
