// What every task does alike around its own evaluation pass and figures.
#include "tasks/task.h"

#include <utility>

namespace kestrel::tasks {

EvaluationResult Task::evaluate(models::Classifier& model, loader::BatchLoader& loader,
                                const models::ModelInput& input, int classes,
                                const std::string& split, const std::atomic<bool>* stop) const {
    std::vector<EvaluationShare> shares;
    shares.push_back(evaluateShare(model, loader, input, classes, stop));
    return combine(std::move(shares), classes, split);
}

EvaluationResult Task::combine(std::vector<EvaluationShare> shares, int classes,
                               const std::string& split) const {
    EvaluationShare all = mergeShares(std::move(shares));
    EvaluationResult result;
    result.evaluation = summarise(all, classes);
    result.evaluation.split = split;
    result.evaluation.areas = std::move(all.areas);
    result.predictions = std::move(all.predictions);
    return result;
}

} // namespace kestrel::tasks
