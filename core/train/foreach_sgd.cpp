#include "train/foreach_sgd.h"

#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

namespace kestrel::train {

namespace {

// The key of Optimizer::state_: a string naming the tensor's address in LibTorch 1.x, the
// address itself in 2.x.
template <typename StateMap>
typename StateMap::key_type stateKey(const at::Tensor& parameter) {
    using Key = typename StateMap::key_type;
    if constexpr (std::is_same_v<Key, std::string>) {
        std::ostringstream name; // what c10::guts::to_string(pointer) writes
        name << parameter.unsafeGetTensorImpl();
        return name.str();
    } else {
        return static_cast<Key>(parameter.unsafeGetTensorImpl());
    }
}

} // namespace

torch::Tensor ForeachSgd::step(LossClosure closure) {
    at::NoGradGuard noGrad;
    torch::Tensor loss;
    if (closure != nullptr) {
        at::AutoGradMode enableGrad(true);
        loss = closure();
    }
    using StateMap = std::remove_reference_t<decltype(state_)>;
    for (auto& group : param_groups_) {
        const auto& options = static_cast<const torch::optim::SGDOptions&>(group.options());
        std::vector<at::Tensor> parameters;
        std::vector<at::Tensor> gradients;
        for (const auto& parameter : group.params()) {
            if (parameter.grad().defined()) {
                parameters.push_back(parameter);
                gradients.push_back(parameter.grad());
            }
        }
        if (parameters.empty()) {
            continue;
        }
        // The same operations, in the same order, as torch::optim::SGD::step.
        std::vector<at::Tensor> updates =
            options.weight_decay() != 0
                ? at::_foreach_add(gradients, parameters, options.weight_decay())
                : gradients;
        if (options.momentum() != 0) {
            std::vector<at::Tensor> buffers;
            std::vector<at::Tensor> continuing;
            std::vector<at::Tensor> continuingUpdates;
            buffers.reserve(parameters.size());
            for (std::size_t i = 0; i < parameters.size(); ++i) {
                const auto key = stateKey<StateMap>(parameters[i]);
                auto found = state_.find(key);
                if (found == state_.end()) {
                    // First step: the buffer starts as the update itself.
                    auto state = std::make_unique<torch::optim::SGDParamState>();
                    state->momentum_buffer(torch::clone(updates[i]).detach());
                    buffers.push_back(state->momentum_buffer());
                    state_[key] = std::move(state);
                } else {
                    auto& state = static_cast<torch::optim::SGDParamState&>(*found->second);
                    buffers.push_back(state.momentum_buffer());
                    continuing.push_back(state.momentum_buffer());
                    continuingUpdates.push_back(updates[i]);
                }
            }
            if (!continuing.empty()) {
                at::_foreach_mul_(continuing, options.momentum());
                at::_foreach_add_(continuing, continuingUpdates, 1 - options.dampening());
            }
            updates = options.nesterov() ? at::_foreach_add(updates, buffers, options.momentum())
                                         : buffers;
        }
        at::_foreach_add_(parameters, updates, -options.lr());
    }
    return loss;
}

} // namespace kestrel::train
