#include "train/autocast_scope.h"

#include "torch_compat/autocast.h"

namespace kestrel::train {

AutocastScope::AutocastScope(Precision precision) {
    if (precision == Precision::Float32) {
        return;
    }
    torch_compat::setCudaAutocast(true,
                                  precision == Precision::Float16 ? at::kHalf : at::kBFloat16);
    active_ = true;
}

AutocastScope::~AutocastScope() {
    if (active_) {
        torch_compat::setCudaAutocast(false, at::kHalf);
        at::autocast::clear_cache();
    }
}

} // namespace kestrel::train
