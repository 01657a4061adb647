#pragma once

#include "models/batch_norm.h"

#include <cstddef>

namespace kestrel::distributed {

class ProcessGroupSession;

// Batch-norm statistics summed over the group's ranks (models::BatchStatisticsReducer).
class GroupBatchStatistics : public models::BatchStatisticsReducer {
public:
    explicit GroupBatchStatistics(ProcessGroupSession& group) : group_(group) {}
    void sumInPlace(at::Tensor& tensor) override;

private:
    ProcessGroupSession& group_;
};

// Makes every batch norm of `model` take its training statistics over the whole global batch
// (all ranks' shares), as PyTorch's SyncBatchNorm does; returns how many there are. The
// group must outlive the model's training.
std::size_t synchroniseBatchNorms(torch::nn::Module& model, ProcessGroupSession& group);

} // namespace kestrel::distributed
