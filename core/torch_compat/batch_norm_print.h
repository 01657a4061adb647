#pragma once

// LibTorch 1.13 declares BatchNormImplBase::pretty_print in its header but defines it in
// libtorch without exporting it. A class derived from torch::nn::BatchNorm2dImpl
// (models::BatchNorm2d) needs it all the same, for the vtables used while its bases are
// constructed (Module is a virtual base), so it would not link. PyTorch 2's header defines it
// in the class. Include this only where such a class's vtable is emitted.

#include <cstddef>
#include <ostream>

#include <torch/nn/modules/batchnorm.h>
#include <torch/version.h>

#if TORCH_VERSION_MAJOR < 2
namespace torch::nn {

// As libtorch 1.13 prints it (batchnorm.cpp).
template <size_t D, typename Derived>
void BatchNormImplBase<D, Derived>::pretty_print(std::ostream& stream) const {
    stream << std::boolalpha << "torch::nn::BatchNorm" << D << "d(" << this->options.num_features()
           << ", eps=" << this->options.eps() << ", momentum=";
    if (this->options.momentum().has_value()) {
        stream << this->options.momentum().value();
    } else {
        stream << "None";
    }
    stream << ", affine=" << this->options.affine()
           << ", track_running_stats=" << this->options.track_running_stats() << ")";
}

} // namespace torch::nn
#endif
