#include "train/loss_scaler.h"

#include <algorithm>

#include <ATen/ATen.h>

namespace kestrel::train {

LossScaler::LossScaler(bool enabled, State state, std::int64_t growthInterval)
    : enabled_(enabled), state_(state), growthInterval_(std::max<std::int64_t>(growthInterval, 1)) {
}

at::Tensor LossScaler::scale(const at::Tensor& loss) const {
    return enabled_ ? loss * state_.scale : loss;
}

bool LossScaler::unscale(const std::vector<at::Tensor>& parameters) const {
    std::vector<at::Tensor> gradients;
    gradients.reserve(parameters.size());
    for (const auto& parameter : parameters) {
        if (parameter.grad().defined()) {
            gradients.push_back(parameter.grad());
        }
    }
    if (gradients.empty()) {
        return true;
    }
    const double inverse = enabled_ ? 1.0 / state_.scale : 1.0;
    if (gradients.front().is_cuda()) {
        // One fused kernel for all gradients, as GradScaler does (it has a CUDA kernel in
        // every LibTorch we build against); a few kernels per gradient cost more than the
        // arithmetic.
        const auto options = gradients.front().options().dtype(at::kFloat);
        at::Tensor foundInf = at::zeros({1}, options);
        at::_amp_foreach_non_finite_check_and_unscale_(gradients, foundInf,
                                                       at::full({1}, inverse, options));
        return foundInf.item<float>() == 0.0f;
    }
    // One flag for all gradients, read once.
    at::Tensor allFinite;
    for (const auto& gradient : gradients) {
        if (enabled_) {
            gradient.mul_(inverse);
        }
        at::Tensor finite = at::isfinite(gradient).all();
        allFinite = allFinite.defined() ? at::logical_and(allFinite, finite) : finite;
    }
    return allFinite.item<bool>();
}

void LossScaler::update(bool finite) {
    if (!enabled_) {
        return;
    }
    if (!finite) {
        state_.scale = std::max(state_.scale * 0.5, 1.0);
        state_.cleanSteps = 0;
        return;
    }
    if (++state_.cleanSteps >= growthInterval_) {
        state_.scale = std::min(state_.scale * 2.0, 16777216.0); // 2^24: far above fp16's need
        state_.cleanSteps = 0;
    }
}

} // namespace kestrel::train
