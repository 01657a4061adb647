#pragma once

#include <cstddef>
#include <memory>
#include <ostream>

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/pimpl.h>

namespace kestrel::models {

// Sums a tensor over every rank of a data-parallel run: what a batch norm needs to take its
// statistics over the whole global batch. distributed/ implements it; models know nothing of
// process groups.
class BatchStatisticsReducer {
public:
    virtual ~BatchStatisticsReducer() = default;
    // Replaces `tensor` by its sum over the ranks. Collective: every rank makes the same
    // calls in the same order.
    virtual void sumInPlace(at::Tensor& tensor) = 0;
};

// torch::nn::BatchNorm2d (same options, parameters and buffers, so checkpoints, torchvision
// weights and the exporters see no difference) that can take its training statistics over
// every rank (PyTorch's SyncBatchNorm). Without a reducer, or in eval mode, forward() is the
// base's exactly; with one, every training forward makes two all-reduces (the mean, then
// the squares about it), and the backward pass two more, so every rank must run the same
// layers in the same order.
class BatchNorm2dImpl : public torch::nn::BatchNorm2dImpl {
public:
    using torch::nn::BatchNorm2dImpl::BatchNorm2dImpl;

    // Hides the base's (not virtual): call it through this type or its holder.
    torch::Tensor forward(const torch::Tensor& input);

    // nullptr: statistics of this rank's batch only (DDP's default).
    void setBatchStatisticsReducer(std::shared_ptr<BatchStatisticsReducer> reducer) {
        reducer_ = std::move(reducer);
    }
    bool synchronised() const { return reducer_ != nullptr; }

    // Says what it is. Defined in batch_norm.cpp, which so holds the vtables (see
    // torch_compat/batch_norm_print.h).
    void pretty_print(std::ostream& stream) const override;

private:
    torch::Tensor synchronisedForward(const torch::Tensor& input);

    std::shared_ptr<BatchStatisticsReducer> reducer_;
};
TORCH_MODULE(BatchNorm2d);

// Gives `reducer` (nullptr: none) to every models::BatchNorm2d in `model`; returns how many.
// Throws kestrel::Error (InvalidArgument) when `model` holds a plain torch::nn::BatchNorm2d,
// which would silently keep per-rank statistics.
std::size_t setBatchStatisticsReducer(torch::nn::Module& model,
                                      const std::shared_ptr<BatchStatisticsReducer>& reducer);

} // namespace kestrel::models
