#pragma once

// A c10d process group from its Gloo backend (and NCCL's, for CUDA tensors), in the form this
// LibTorch has. LibTorch 1.13's ProcessGroupGloo is itself a ProcessGroup; 2.0 split groups
// from their backends, so a group holds one backend per device type.

#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/version.h>

namespace kestrel::torch_compat {

// `nccl` may be null: CUDA tensors then go through Gloo too. LibTorch 1.13 (Debian's, CPU
// only) takes no NCCL backend.
template <typename Gloo, typename Nccl>
c10::intrusive_ptr<c10d::ProcessGroup>
processGroupOf([[maybe_unused]] const c10::intrusive_ptr<c10d::Store>& store,
               [[maybe_unused]] int rank, [[maybe_unused]] int size,
               const c10::intrusive_ptr<Gloo>& gloo,
               [[maybe_unused]] const c10::intrusive_ptr<Nccl>& nccl) {
#if TORCH_VERSION_MAJOR >= 2
    using Type = c10d::ProcessGroup::BackendType;
    auto group = c10::make_intrusive<c10d::ProcessGroup>(store, rank, size);
    group->setBackend(c10::DeviceType::CPU, Type::GLOO, gloo);
    if (nccl) {
        group->setBackend(c10::DeviceType::CUDA, Type::NCCL, nccl);
        group->setDefaultBackend(Type::NCCL);
    } else {
        group->setBackend(c10::DeviceType::CUDA, Type::GLOO, gloo);
        group->setDefaultBackend(Type::GLOO);
    }
    return group;
#else
    return gloo;
#endif
}

} // namespace kestrel::torch_compat
