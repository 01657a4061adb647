#include "train/weight_average.h"

#include <algorithm>
#include <utility>

#include <torch/nn/module.h>

namespace kestrel::train {

WeightAverage::WeightAverage(torch::nn::Module& model, double horizon)
    : horizon_(std::max(1.0, horizon)) {
    torch::NoGradGuard noGrad;
    for (const auto& parameter : model.parameters()) {
        entries_.push_back({parameter, parameter.detach().clone()});
    }
    // Batch norms' running statistics average too; their step counters are integers and stay.
    for (const auto& buffer : model.buffers()) {
        if (buffer.is_floating_point()) {
            entries_.push_back({buffer, buffer.detach().clone()});
        }
    }
}

void WeightAverage::update(std::int64_t step) {
    torch::NoGradGuard noGrad;
    const auto t = static_cast<double>(step);
    const double decay = std::min(1.0 - 1.0 / horizon_, (1.0 + t) / (10.0 + t));
    for (Entry& entry : entries_) {
        entry.aside.mul_(decay).add_(entry.live.detach(), 1.0 - decay);
    }
}

void WeightAverage::swapAside() {
    torch::NoGradGuard noGrad;
    for (Entry& entry : entries_) {
        at::Tensor kept = entry.live.detach().clone();
        entry.live.detach().copy_(entry.aside);
        entry.aside = std::move(kept);
    }
    averageInUse_ = !averageInUse_;
}

void WeightAverage::useAverage() {
    if (!averageInUse_) {
        swapAside();
    }
}

void WeightAverage::useTrained() {
    if (averageInUse_) {
        swapAside();
    }
}

void WeightAverage::restartFromAverage() {
    useTrained();
    torch::NoGradGuard noGrad;
    for (Entry& entry : entries_) {
        entry.live.detach().copy_(entry.aside);
    }
}

void WeightAverage::adoptModelAsAverage() {
    torch::NoGradGuard noGrad;
    for (Entry& entry : entries_) {
        entry.aside = entry.live.detach().clone();
    }
    averageInUse_ = false;
}

} // namespace kestrel::train
