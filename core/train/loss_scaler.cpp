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
    // One device-side flag for all gradients, read once: a sync per tensor would stall CUDA.
    at::Tensor allFinite;
    const double inverse = 1.0 / state_.scale;
    for (const auto& parameter : parameters) {
        const at::Tensor& gradient = parameter.grad();
        if (!gradient.defined()) {
            continue;
        }
        if (enabled_) {
            gradient.mul_(inverse);
        }
        at::Tensor finite = at::isfinite(gradient).all();
        allFinite = allFinite.defined() ? at::logical_and(allFinite, finite) : finite;
    }
    return !allFinite.defined() || allFinite.item<bool>();
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
