#pragma once

#include "train/torch_forward.h"
#include "train/train_options.h"

#include <memory>

namespace kestrel::train {

// The options' optimizer over `model`'s parameters. Weight decay skips biases and
// normalisation weights (1-D parameters), as is usual for CNNs: decaying them only hurts.
std::unique_ptr<torch::optim::Optimizer> createOptimizer(const TrainOptions& options,
                                                         torch::nn::Module& model);

// Sets the learning rate of every parameter group.
void setLearningRate(torch::optim::Optimizer& optimizer, double learningRate);

} // namespace kestrel::train
