#include "train/train_step.h"

#include "distributed/gradient_averaging.h"
#include "distributed/process_group.h"
#include "models/classifier.h"
#include "tasks/task.h"
#include "train/autocast_scope.h"
#include "train/loss_scaler.h"

#include <cmath>

#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/optimizer.h>

namespace kestrel::train {

TrainStep::TrainStep(models::Classifier& model, torch::optim::Optimizer& optimizer,
                     LossScaler& scaler, Precision autocast, const tasks::TaskLoss& loss,
                     double gradientClipNorm)
    : model_(model), optimizer_(optimizer), scaler_(scaler), autocast_(autocast), loss_(loss),
      gradientClipNorm_(gradientClipNorm) {}

void TrainStep::averageOverRanks(distributed::ProcessGroupSession& group,
                                 distributed::GradientAveraging& gradients) {
    group_ = &group;
    gradients_ = &gradients;
}

TrainStep::Outcome TrainStep::operator()(const at::Tensor& images, const at::Tensor& labels) {
    Outcome outcome;
    at::Tensor outputs;
    {
        AutocastScope scope(autocast_);
        outputs = model_.forward(images);
    }
    outcome.outputs = outputs.to(at::kFloat);
    const at::Tensor loss = loss_(outcome.outputs, labels);
    outcome.loss = loss.item<double>();
    if (group_) {
        outcome.loss = group_->sum({outcome.loss})[0] / group_->worldSize();
    }
    if (!std::isfinite(outcome.loss)) {
        return outcome;
    }
    optimizer_.zero_grad();
    scaler_.scale(loss).backward();
    if (gradients_) {
        gradients_->finishBackward();
    }
    outcome.gradientsFinite = scaler_.unscale(model_.parameters());
    if (outcome.gradientsFinite) {
        if (gradientClipNorm_ > 0) {
            torch::nn::utils::clip_grad_norm_(model_.parameters(), gradientClipNorm_);
        }
        optimizer_.step();
        outcome.stepped = true;
    }
    scaler_.update(outcome.gradientsFinite);
    return outcome;
}

} // namespace kestrel::train
