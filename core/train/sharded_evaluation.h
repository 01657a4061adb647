#pragma once

#include "tasks/task.h"

#include <string>

namespace kestrel::distributed {
class ProcessGroupSession;
}

namespace kestrel::train {

// The store key of rank `rank`'s share of the evaluation named `key`.
std::string shareKey(const std::string& key, int rank);

// One evaluation pass split over the ranks of `group` (collective): this rank evaluates its
// shard of `shard` (a loader with LoaderOptions::shard {rank, ranks} and no dropLast),
// publishes what it gathered under shareKey(key, rank), reads every rank's and combines them
// in rank order. So every rank returns the same result, the one a single process's
// Task::evaluate over the unsharded loader returns: figures (the loss to rounding: its sum
// is added up in another order) and every prediction, in sample order.
//
// The shares pass through the c10d store, held in rank 0's memory until forgotten
// (ProcessGroupSession::forget); a share is tens of bytes a sample (evaluation_share_bytes.h):
// a few MB for thousands of images, which the store takes in one message.
tasks::EvaluationResult evaluateSharded(const tasks::Task& task, models::Classifier& model,
                                        loader::BatchLoader& shard, const models::ModelInput& input,
                                        int classes, const std::string& split,
                                        distributed::ProcessGroupSession& group,
                                        const std::string& key);

} // namespace kestrel::train
