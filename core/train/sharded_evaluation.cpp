#include "train/sharded_evaluation.h"

#include "distributed/process_group.h"
#include "tasks/evaluation_share_bytes.h"

#include <utility>
#include <vector>

namespace kestrel::train {

std::string shareKey(const std::string& key, int rank) {
    return key + "/" + std::to_string(rank);
}

tasks::EvaluationResult evaluateSharded(const tasks::Task& task, models::Classifier& model,
                                        loader::BatchLoader& shard, const models::ModelInput& input,
                                        int classes, const std::string& split,
                                        distributed::ProcessGroupSession& group,
                                        const std::string& key) {
    tasks::EvaluationShare own = task.evaluateShare(model, shard, input, classes);
    group.publish(shareKey(key, group.rank()), tasks::toBytes(own));
    // Every rank has published once all have summed. A rank that died before publishing is
    // found here at once (Gloo loses its connection), where the store's lookup below would
    // wait out the whole timeout (30 minutes by default) for a share that never comes.
    group.sum({0.0});
    std::vector<tasks::EvaluationShare> shares;
    for (int rank = 0; rank < group.worldSize(); ++rank) {
        shares.push_back(rank == group.rank()
                             ? std::move(own)
                             : tasks::shareFromBytes(group.lookUp(shareKey(key, rank))));
    }
    return task.combine(std::move(shares), classes, split);
}

} // namespace kestrel::train
