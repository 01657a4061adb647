// Gloo's and NCCL's headers need these; only this file includes them.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif

#include "distributed/process_group.h"

#include "common/error.h"
#include "torch_compat/process_group.h"

#include <algorithm>
#include <chrono>

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/comm.hpp>
#include <torch/version.h>

#ifdef KESTREL_C10D_NCCL
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace kestrel::distributed {

namespace {

// What one broadcast moves at most; DDP's own buffer for its initial broadcast.
constexpr std::size_t kBroadcastBytes = std::size_t{250} << 20;

std::string firstLine(const std::exception& error) {
    const auto* torchError = dynamic_cast<const c10::Error*>(&error);
    const std::string text = torchError ? torchError->what_without_backtrace() : error.what();
    return text.substr(0, text.find('\n'));
}

c10::intrusive_ptr<c10d::Store> joinStore(const LaunchEnvironment& launch) {
    c10d::TCPStoreOptions options;
    options.port = launch.masterPort;
    options.isServer = launch.leader() && !launch.agentServesStore;
    // Every rank counts itself in; the serving rank waits until all have.
    options.numWorkers = static_cast<std::size_t>(launch.worldSize);
    options.waitWorkers = true;
    // A rank that cannot talk to the store (a torchrun of another PyTorch) says so within
    // minutes.
    options.timeout = std::min(launch.timeout, launch.joinTimeout);
    options.multiTenant = true; // torchrun's agent may share the port
    auto store = c10::make_intrusive<c10d::TCPStore>(launch.masterAddress, options);
    store->setTimeout(launch.timeout);
    // Kestrel's keys apart from whatever else the store holds (torchrun's own).
    return c10::make_intrusive<c10d::PrefixStore>("kestrel/" + std::to_string(launch.restartCount),
                                                  store);
}

c10::intrusive_ptr<c10d::ProcessGroupGloo> glooBackend(const c10::intrusive_ptr<c10d::Store>& store,
                                                       const LaunchEnvironment& launch) {
    auto options = c10d::ProcessGroupGloo::Options::create(launch.timeout);
    // GLOO_SOCKET_IFNAME picks the network interface, as it does for PyTorch.
    if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME"); interface && *interface) {
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
    } else {
        options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    }
    return c10::make_intrusive<c10d::ProcessGroupGloo>(
        c10::make_intrusive<c10d::PrefixStore>("gloo", store), launch.rank, launch.worldSize,
        options);
}

c10::intrusive_ptr<c10d::ProcessGroup> createGroup(const c10::intrusive_ptr<c10d::Store>& store,
                                                   const LaunchEnvironment& launch,
                                                   [[maybe_unused]] bool cuda) {
    auto gloo = glooBackend(store, launch);
#ifdef KESTREL_C10D_NCCL
    if (cuda) {
        c10::cuda::set_device(static_cast<c10::DeviceIndex>(launch.localRank));
        auto nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(
            c10::make_intrusive<c10d::PrefixStore>("nccl", store), launch.rank, launch.worldSize);
        return torch_compat::processGroupOf(store, launch.rank, launch.worldSize, gloo, nccl);
    }
#endif
    return torch_compat::processGroupOf(store, launch.rank, launch.worldSize, gloo,
                                        c10::intrusive_ptr<c10d::ProcessGroupGloo>());
}

} // namespace

struct ProcessGroupSession::Connection {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroup> group;
};

ProcessGroupSession::ProcessGroupSession(const LaunchEnvironment& launch, bool cuda)
    : launch_(launch), connection_(std::make_unique<Connection>()) {
    try {
        connection_->store = joinStore(launch_);
        connection_->group = createGroup(connection_->store, launch_, cuda);
    } catch (const std::exception& error) {
        throw Error(ErrorKind::Io,
                    "Rank " + std::to_string(launch_.rank) + " of " +
                        std::to_string(launch_.worldSize) +
                        " could not join the run's process group at " + launch_.masterAddress +
                        ":" + std::to_string(launch_.masterPort) + " (" + firstLine(error) +
                        "); start the ranks with the torchrun of the PyTorch that Kestrel was "
                        "built with (LibTorch " TORCH_VERSION ").");
    }
}

ProcessGroupSession::~ProcessGroupSession() = default;

c10d::ProcessGroup& ProcessGroupSession::group() {
    return *connection_->group;
}

void ProcessGroupSession::lostContact(const std::string& doing, const std::exception& error) const {
    throw LostContact("Rank " + std::to_string(launch_.rank) +
                      " lost contact with the run's other ranks while " + doing + " (" +
                      firstLine(error) + "): another rank stopped, or the network failed.");
}

void ProcessGroupSession::allreduceSum(const at::Tensor& tensor) {
    std::vector<at::Tensor> tensors{tensor};
    try {
        connection_->group->allreduce(tensors)->wait();
    } catch (const std::exception& error) {
        lostContact("summing over the ranks", error);
    }
}

std::vector<double> ProcessGroupSession::sum(std::vector<double> values) {
    at::Tensor tensor = at::tensor(values, at::TensorOptions().dtype(at::kDouble));
    allreduceSum(tensor);
    const double* summed = tensor.data_ptr<double>();
    return {summed, summed + values.size()};
}

bool ProcessGroupSession::allAgree(bool value) {
    return sum({value ? 1.0 : 0.0})[0] == static_cast<double>(worldSize());
}

void ProcessGroupSession::broadcastFromLeader(const std::vector<at::Tensor>& tensors) {
    if (tensors.empty()) {
        return;
    }
    try {
        c10d::broadcast_coalesced(connection_->group, tensors, kBroadcastBytes, 0);
    } catch (const std::exception& error) {
        lostContact("receiving rank 0's weights", error);
    }
}

void ProcessGroupSession::wait(c10d::Work& work, const std::string& doing) {
    try {
        work.wait();
    } catch (const std::exception& error) {
        lostContact(doing, error);
    }
}

void ProcessGroupSession::publish(const std::string& key, const std::string& value) {
    try {
        connection_->store->set(key, std::vector<std::uint8_t>(value.begin(), value.end()));
    } catch (const std::exception& error) {
        lostContact("publishing " + key, error);
    }
}

void ProcessGroupSession::forget(const std::string& key) {
    try {
        connection_->store->deleteKey(key);
    } catch (const std::exception& error) {
        lostContact("forgetting " + key, error);
    }
}

std::string ProcessGroupSession::lookUp(const std::string& key) {
    try {
        const auto value = connection_->store->get(key);
        return {value.begin(), value.end()};
    } catch (const std::exception& error) {
        lostContact("waiting for " + key, error);
    }
}

} // namespace kestrel::distributed
