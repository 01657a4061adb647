#include "train/autocast_scope.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace kestrel::train {

namespace {

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
void enableCudaAutocast(bool enabled, at::ScalarType type) {
    at::autocast::set_autocast_dtype(at::kCUDA, type);
    at::autocast::set_autocast_enabled(at::kCUDA, enabled);
}
#else
void enableCudaAutocast(bool enabled, at::ScalarType type) {
    at::autocast::set_autocast_gpu_dtype(type);
    at::autocast::set_enabled(enabled);
}
#endif

} // namespace

AutocastScope::AutocastScope(Precision precision) {
    if (precision == Precision::Float32) {
        return;
    }
    enableCudaAutocast(true, precision == Precision::Float16 ? at::kHalf : at::kBFloat16);
    active_ = true;
}

AutocastScope::~AutocastScope() {
    if (active_) {
        enableCudaAutocast(false, at::kHalf);
        at::autocast::clear_cache();
    }
}

} // namespace kestrel::train
