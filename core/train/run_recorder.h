#pragma once

#include "store/run_repository.h"
#include "train/run_store_writer.h"
#include "train/training_events.h"

#include <string>
#include <vector>

namespace kestrel::train {

// Turns a run's events into store records and posts them to `writer`, so the training
// thread only queues them. Batch losses are kept every `batchLossEvery` batches as
// "batch_loss" for live curves; each epoch's validation predictions replace the last ones.
class RunRecorder : public TrainingObserver {
public:
    RunRecorder(RunStoreWriter& writer, std::int64_t run, int batchLossEvery = 10);

    void started(const TrainingStarted& event) override;
    void batchDone(const BatchDone& event) override;
    void epochDone(const EpochDone& event) override;
    void finished(const TrainingFinished& event) override;

    // Blocks until everything queued so far is written; rethrows the writer's first error.
    void flush();

private:
    void post(RunStoreWriter::Task task);
    void queueMetrics(std::vector<store::MetricPoint> points);

    RunStoreWriter& writer_;
    std::int64_t run_;
    int batchLossEvery_;
    std::vector<std::string> classes_;
    std::vector<store::MetricPoint> pendingBatchLosses_; // training thread only
};

} // namespace kestrel::train
