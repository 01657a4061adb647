#pragma once

// CUDA autocast's switches, in the form this LibTorch has. 2.4 replaced the CUDA-only
// set_enabled/set_autocast_gpu_dtype (which 1.13 alone has) with per-device calls and
// deprecated the old ones, which warnings-as-errors turns into a failed build.

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace kestrel::torch_compat {

inline void setCudaAutocast(bool enabled, at::ScalarType type) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_dtype(at::kCUDA, type);
    at::autocast::set_autocast_enabled(at::kCUDA, enabled);
#else
    at::autocast::set_autocast_gpu_dtype(type);
    at::autocast::set_enabled(enabled);
#endif
}

} // namespace kestrel::torch_compat
