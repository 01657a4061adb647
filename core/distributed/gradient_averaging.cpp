#include "distributed/gradient_averaging.h"

#include "distributed/process_group.h"

#include <ATen/core/Tensor.h>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/Work.hpp>
#include <torch/nn/module.h>

namespace kestrel::distributed {

namespace {

// DDP's bucket sizes: a small first bucket starts communication early in the backward pass.
constexpr std::int64_t kFirstBucketBytes = std::int64_t{1} << 20;
constexpr std::int64_t kBucketBytes = std::int64_t{25} << 20;

} // namespace

struct GradientAveraging::Bucket {
    std::vector<std::size_t> members; // parameter indices
    at::Tensor flat;                  // their gradients, end to end
    std::size_t waiting = 0;          // members whose gradient has not arrived
    c10::intrusive_ptr<c10d::Work> work;
};

GradientAveraging::GradientAveraging(ProcessGroupSession& group, torch::nn::Module& model)
    : group_(group) {
    std::vector<at::Tensor> everything;
    for (const auto& parameter : model.parameters()) {
        everything.push_back(parameter);
        if (parameter.requires_grad()) {
            parameters_.push_back(parameter);
        }
    }
    for (const auto& buffer : model.buffers()) {
        buffers_.push_back(buffer);
        everything.push_back(buffer);
    }
    {
        at::NoGradGuard noGradients;
        group_.broadcastFromLeader(everything);
    }

    // Last parameters first: their gradients come first in the backward pass.
    bucketOf_.resize(parameters_.size());
    offsetOf_.resize(parameters_.size());
    arrived_.assign(parameters_.size(), false);
    std::vector<std::int64_t> sizes; // each bucket's elements
    for (std::size_t i = parameters_.size(); i-- > 0;) {
        const at::Tensor& parameter = parameters_[i];
        const std::int64_t elementBytes = static_cast<std::int64_t>(parameter.element_size());
        const std::int64_t cap = buckets_.size() <= 1 ? kFirstBucketBytes : kBucketBytes;
        const bool fits =
            !buckets_.empty() && (sizes.back() + parameter.numel()) * elementBytes <= cap &&
            parameters_[buckets_.back()->members.front()].options().type_equal(parameter.options());
        if (!fits) {
            buckets_.push_back(std::make_unique<Bucket>());
            sizes.push_back(0);
        }
        bucketOf_[i] = buckets_.size() - 1;
        offsetOf_[i] = sizes.back();
        buckets_.back()->members.push_back(i);
        sizes.back() += parameter.numel();
    }
    for (std::size_t b = 0; b < buckets_.size(); ++b) {
        Bucket& bucket = *buckets_[b];
        bucket.flat = at::zeros({sizes[b]}, parameters_[bucket.members.front()].options());
        bucket.waiting = bucket.members.size();
    }
    for (std::size_t i = 0; i < parameters_.size(); ++i) {
        hooks_.push_back(parameters_[i].register_hook(
            [this, i](const at::Tensor& gradient) { gradientArrived(i, gradient); }));
    }
}

GradientAveraging::~GradientAveraging() {
    for (std::size_t i = 0; i < hooks_.size(); ++i) {
        parameters_[i].remove_hook(hooks_[i]);
    }
}

void GradientAveraging::gradientArrived(std::size_t parameter, const at::Tensor& gradient) {
    std::lock_guard lock(mutex_);
    Bucket& bucket = *buckets_[bucketOf_[parameter]];
    // The parameter's shape over its stretch of the bucket: one strided copy, whatever the
    // gradient's memory format (channels-last weights).
    at::Tensor slot =
        bucket.flat.narrow(0, offsetOf_[parameter], gradient.numel()).view(gradient.sizes());
    at::NoGradGuard noGradients;
    if (arrived_[parameter]) {
        slot.add_(gradient); // a second backward pass into the same step
        return;
    }
    slot.copy_(gradient);
    arrived_[parameter] = true;
    if (--bucket.waiting == 0) {
        launchReadyBuckets();
    }
}

void GradientAveraging::launchReadyBuckets() {
    // In bucket order only: c10d matches collectives by the order the ranks start them.
    while (nextToLaunch_ < buckets_.size() && buckets_[nextToLaunch_]->waiting == 0) {
        Bucket& bucket = *buckets_[nextToLaunch_++];
        std::vector<at::Tensor> tensors{bucket.flat};
        try {
            bucket.work = group_.group().allreduce(tensors);
        } catch (const std::exception&) {
            bucket.work.reset(); // finishBackward tries again and reports the failure
        }
    }
}

void GradientAveraging::finishBackward() {
    {
        std::lock_guard lock(mutex_);
        for (auto& bucket : buckets_) {
            for (const std::size_t member : bucket->members) {
                if (!arrived_[member]) {
                    bucket->flat.narrow(0, offsetOf_[member], parameters_[member].numel()).zero_();
                }
            }
            bucket->waiting = 0;
        }
        launchReadyBuckets();
    }
    const double ranks = group_.worldSize();
    at::NoGradGuard noGradients;
    for (auto& bucket : buckets_) {
        if (bucket->work) {
            group_.wait(*bucket->work, "averaging gradients");
        } else {
            group_.allreduceSum(bucket->flat); // its launch failed: fail here, with a sentence
        }
        bucket->work.reset();
        bucket->flat.div_(ranks);
        for (const std::size_t member : bucket->members) {
            at::Tensor& parameter = parameters_[member];
            const at::Tensor average = bucket->flat.narrow(0, offsetOf_[member], parameter.numel())
                                           .view(parameter.sizes());
            if (parameter.grad().defined()) {
                parameter.mutable_grad().copy_(average);
            } else {
                parameter.mutable_grad() = average.clone(at::MemoryFormat::Preserve);
            }
        }
    }
    std::lock_guard lock(mutex_);
    for (auto& bucket : buckets_) {
        bucket->waiting = bucket->members.size();
    }
    arrived_.assign(parameters_.size(), false);
    nextToLaunch_ = 0;
}

void GradientAveraging::takeLeadersBuffers() {
    at::NoGradGuard noGradients;
    group_.broadcastFromLeader(buffers_);
}

} // namespace kestrel::distributed
