#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/util/intrusive_ptr.h>

namespace c10d {
class Work;
}
namespace torch::nn {
class Module;
}

namespace kestrel::distributed {

class ProcessGroupSession;

// Data-parallel gradients, averaged as PyTorch's DistributedDataParallel averages them: the
// parameters are packed, last layer first, into buckets of about 25 MB (the first 1 MB), and
// a bucket's all-reduce starts as soon as the backward pass has produced its last gradient,
// so communication overlaps the rest of the backward pass. Buckets are sent in the same
// order on every rank, whatever order their gradients arrive in. (c10d's own Reducer needs
// distributed-autograd headers that Debian's LibTorch does not ship.)
// On construction every rank takes rank 0's parameters and buffers.
class GradientAveraging {
public:
    // Collective.
    GradientAveraging(ProcessGroupSession& group, torch::nn::Module& model);
    ~GradientAveraging();
    GradientAveraging(const GradientAveraging&) = delete;
    GradientAveraging& operator=(const GradientAveraging&) = delete;

    // After each backward pass (collective): waits for the buckets still in flight, sends
    // those whose gradients never all came (a parameter the step did not use counts as
    // zero), and leaves every parameter's grad the mean over the ranks.
    void finishBackward();
    // Rank 0's buffers (batch-norm statistics) on every rank, as DDP keeps them; collective.
    void takeLeadersBuffers();

    std::size_t bucketCount() const { return buckets_.size(); }

private:
    struct Bucket;

    void gradientArrived(std::size_t parameter, const at::Tensor& gradient);
    void launchReadyBuckets(); // under mutex_

    ProcessGroupSession& group_;
    std::vector<at::Tensor> parameters_;
    std::vector<at::Tensor> buffers_;
    std::vector<std::unique_ptr<Bucket>> buckets_;
    // Per parameter: its bucket and where its values start in it.
    std::vector<std::size_t> bucketOf_;
    std::vector<std::int64_t> offsetOf_;
    std::vector<bool> arrived_;
    std::vector<unsigned> hooks_;
    std::mutex mutex_;
    std::size_t nextToLaunch_ = 0;
};

} // namespace kestrel::distributed
