#include "distributed/batch_norm_sync.h"

#include "distributed/process_group.h"

#include <memory>

namespace kestrel::distributed {

void GroupBatchStatistics::sumInPlace(at::Tensor& tensor) {
    group_.allreduceSum(tensor);
}

std::size_t synchroniseBatchNorms(torch::nn::Module& model, ProcessGroupSession& group) {
    return models::setBatchStatisticsReducer(model, std::make_shared<GroupBatchStatistics>(group));
}

} // namespace kestrel::distributed
