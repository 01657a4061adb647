#pragma once

#include <torch/optim/sgd.h>

namespace kestrel::train {

// LibTorch's SGD with its step done by multi-tensor (_foreach) kernels, as PyTorch's Python
// SGD does by default: LibTorch's own step launches four or five small kernels per
// parameter, which on a GPU cost more than the arithmetic (resnet50: 161 parameters, 13% of
// a step). Same options, same state (momentum buffers), same results and same checkpoint
// format as torch::optim::SGD.
class ForeachSgd : public torch::optim::SGD {
public:
    using torch::optim::SGD::SGD;

    torch::Tensor step(LossClosure closure = nullptr) override;
};

} // namespace kestrel::train
