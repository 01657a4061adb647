#pragma once

#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

namespace kestrel::train {

struct LossScaleState {
    double scale = 65536.0;
    std::int64_t cleanSteps = 0; // finite steps since the scale last changed
};

// Dynamic loss scaling for fp16 mixed precision, as torch.cuda.amp.GradScaler does it
// (LibTorch has no GradScaler): the loss is multiplied by a large scale before backward so
// small fp16 gradients do not flush to zero; before the optimizer step the gradients are
// divided back and checked. A step with an inf/NaN gradient is skipped and the scale halved;
// after `growthInterval` clean steps in a row the scale doubles.
class LossScaler {
public:
    using State = LossScaleState;

    explicit LossScaler(bool enabled, State state = {}, std::int64_t growthInterval = 2000);

    bool enabled() const { return enabled_; }
    at::Tensor scale(const at::Tensor& loss) const;
    // Divides every gradient by the scale in place; returns whether all of them are finite.
    // When disabled, only checks finiteness.
    bool unscale(const std::vector<at::Tensor>& parameters) const;
    // After each step attempt: `finite` is what unscale() returned.
    void update(bool finite);
    const State& state() const { return state_; }

private:
    bool enabled_;
    State state_;
    std::int64_t growthInterval_;
};

} // namespace kestrel::train
