#pragma once

#include "train/torch_forward.h"
#include "train/train_options.h"

#include <ATen/core/Tensor.h>

namespace kestrel::models {
class Classifier;
}

namespace kestrel::tasks {
class TaskLoss;
}

namespace kestrel::distributed {
class GradientAveraging;
class ProcessGroupSession;
} // namespace kestrel::distributed

namespace kestrel::train {

class LossScaler;

// One optimizer step on one batch: forward (under autocast for mixed precision), loss,
// backward on the scaled loss, unscale and check, clip, step. Shared by the trainer and the
// training benchmark so the benchmark times exactly what training runs.
class TrainStep {
public:
    struct Outcome {
        double loss = 0;    // NaN/inf when the loss was not finite: nothing was stepped
        at::Tensor outputs; // float32, for the task's train_accuracy
        bool stepped = false;
        bool gradientsFinite = true;
    };

    // `loss` is the run's task loss (tasks::Task::createLoss); it must outlive the step.
    TrainStep(models::Classifier& model, torch::optim::Optimizer& optimizer, LossScaler& scaler,
              Precision autocast, const tasks::TaskLoss& loss, double gradientClipNorm);

    // Data-parallel steps: the loss reported is the mean over the ranks (so every rank
    // judges it alike), and the gradients are averaged over them in the backward pass.
    void averageOverRanks(distributed::ProcessGroupSession& group,
                          distributed::GradientAveraging& gradients);

    Outcome operator()(const at::Tensor& images, const at::Tensor& labels);

private:
    models::Classifier& model_;
    torch::optim::Optimizer& optimizer_;
    LossScaler& scaler_;
    Precision autocast_;
    const tasks::TaskLoss& loss_;
    double gradientClipNorm_;
    distributed::ProcessGroupSession* group_ = nullptr;
    distributed::GradientAveraging* gradients_ = nullptr;
};

} // namespace kestrel::train
