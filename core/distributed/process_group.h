#pragma once

#include "common/error.h"
#include "distributed/launch_environment.h"

#include <memory>
#include <string>
#include <vector>

// No LibTorch header here: the CLI joins a group without compiling ATen's headers.
namespace at {
class Tensor;
}
namespace c10d {
class ProcessGroup;
class Work;
} // namespace c10d

namespace kestrel::distributed {

// This rank's membership of its run's c10d process group: the TCPStore at
// MASTER_ADDR:MASTER_PORT (served by rank 0, or by torchrun's agent when it says so) and a
// ProcessGroupNCCL for CUDA (when this LibTorch has one) or ProcessGroupGloo. Every call
// here is collective unless it says otherwise: all ranks make it, in the same order.
// A failed collective (a rank died, the network dropped) throws LostContact with one
// sentence naming this rank and what c10d said.
// A collective that failed because a rank or the network went away.
class LostContact : public Error {
public:
    explicit LostContact(const std::string& message) : Error(ErrorKind::Io, message) {}
};

class ProcessGroupSession {
public:
    // Blocks until every rank has joined, up to the launch's timeout. `cuda`: the run's
    // tensors live on cuda:LOCAL_RANK.
    ProcessGroupSession(const LaunchEnvironment& launch, bool cuda);
    ~ProcessGroupSession();
    ProcessGroupSession(const ProcessGroupSession&) = delete;
    ProcessGroupSession& operator=(const ProcessGroupSession&) = delete;

    int rank() const { return launch_.rank; }
    int worldSize() const { return launch_.worldSize; }
    bool leader() const { return launch_.leader(); }
    c10d::ProcessGroup& group();

    // Sums `tensor` over the ranks, in place.
    void allreduceSum(const at::Tensor& tensor);
    // Every rank's `value`, summed; what reductions of a few counters need.
    std::vector<double> sum(std::vector<double> values);
    // True on every rank when `value` is true on every rank.
    bool allAgree(bool value);
    // Rank 0's values of `tensors` on every rank, in place.
    void broadcastFromLeader(const std::vector<at::Tensor>& tensors);
    // Waits for a collective started on group() (collective: every rank waits for its own).
    void wait(c10d::Work& work, const std::string& doing);

    // Not collective: a value for every rank to read, through the c10d store. lookUp waits
    // for the key to be published, up to the launch's timeout.
    void publish(const std::string& key, const std::string& value);
    std::string lookUp(const std::string& key);
    // Not collective: drops a published value from the store (which holds every value in
    // rank 0's memory until then); nothing when there is none. Only once every rank has
    // read it: a later lookUp would wait for it to be published again.
    void forget(const std::string& key);

private:
    [[noreturn]] void lostContact(const std::string& doing, const std::exception& error) const;

    struct Connection; // the store and the group
    LaunchEnvironment launch_;
    std::unique_ptr<Connection> connection_;
};

} // namespace kestrel::distributed
