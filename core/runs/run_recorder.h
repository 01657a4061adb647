#pragma once

#include "runs/run_store_writer.h"
#include "store/run_repository.h"
#include "train/training_events.h"

#include <string>
#include <vector>

namespace kestrel::runs {

// Turns a run's events into store records and posts them to `writer`, so the training
// thread only queues them. Batch losses are kept every `batchLossEvery` batches as
// "batch_loss" for live curves; each epoch's validation predictions replace the last ones.
class RunRecorder : public train::TrainingObserver {
public:
    RunRecorder(RunStoreWriter& writer, std::int64_t run, int batchLossEvery = 10);

    void started(const train::TrainingStarted& event) override;
    void batchDone(const train::BatchDone& event) override;
    void epochDone(const train::EpochDone& event) override;
    void finished(const train::TrainingFinished& event) override;

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

} // namespace kestrel::runs
