#include "train/optimizer_factory.h"

#include "train/foreach_sgd.h"

#include <torch/nn/module.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/sgd.h>

namespace kestrel::train {

namespace {

template <typename Options>
std::vector<torch::optim::OptimizerParamGroup> splitByDecay(torch::nn::Module& model,
                                                            const Options& decayed) {
    std::vector<torch::Tensor> withDecay;
    std::vector<torch::Tensor> withoutDecay;
    for (const auto& parameter : model.parameters()) {
        (parameter.dim() <= 1 ? withoutDecay : withDecay).push_back(parameter);
    }
    auto notDecayed = std::make_unique<Options>(decayed);
    notDecayed->weight_decay(0);
    std::vector<torch::optim::OptimizerParamGroup> groups;
    if (!withDecay.empty()) {
        groups.emplace_back(withDecay, std::make_unique<Options>(decayed));
    }
    if (!withoutDecay.empty()) {
        groups.emplace_back(withoutDecay, std::move(notDecayed));
    }
    return groups;
}

} // namespace

std::unique_ptr<torch::optim::Optimizer> createOptimizer(const TrainOptions& options,
                                                         torch::nn::Module& model) {
    const double lr = options.schedule.baseLr;
    switch (options.optimizer) {
    case OptimizerKind::Sgd: {
        torch::optim::SGDOptions sgd(lr);
        sgd.momentum(options.momentum)
            .nesterov(options.nesterov && options.momentum > 0)
            .weight_decay(options.weightDecay);
        return std::make_unique<ForeachSgd>(splitByDecay(model, sgd), sgd);
    }
    case OptimizerKind::Adam: {
        torch::optim::AdamOptions adam(lr);
        adam.weight_decay(options.weightDecay);
        return std::make_unique<torch::optim::Adam>(splitByDecay(model, adam), adam);
    }
    case OptimizerKind::AdamW: {
        torch::optim::AdamWOptions adamw(lr);
        adamw.weight_decay(options.weightDecay);
        return std::make_unique<torch::optim::AdamW>(splitByDecay(model, adamw), adamw);
    }
    }
    return nullptr;
}

void setLearningRate(torch::optim::Optimizer& optimizer, double learningRate) {
    for (auto& group : optimizer.param_groups()) {
        group.options().set_lr(learningRate);
    }
}

} // namespace kestrel::train
