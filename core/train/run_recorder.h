#pragma once

#include "store/run_repository.h"
#include "train/training_events.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kestrel::store {
class Database;
}

namespace kestrel::train {

// Writes a run's events into the project store from its own thread, so a slow disk never
// stalls the training loop: events are queued, and the writer commits whatever has queued
// up in batched transactions. It is the process's one writer while the run lasts.
// Batch losses are kept every `batchLossEvery` batches as "batch_loss" for live curves.
class RunRecorder : public TrainingObserver {
public:
    RunRecorder(store::Database& database, std::int64_t run, int batchLossEvery = 10);
    ~RunRecorder() override; // drains the queue

    void started(const TrainingStarted& event) override;
    void batchDone(const BatchDone& event) override;
    void epochDone(const EpochDone& event) override;
    void finished(const TrainingFinished& event) override;

    // Blocks until everything queued so far is written; rethrows the writer's first error.
    void flush();

private:
    using Task = std::function<void(store::RunRepository&)>;
    void post(Task task);
    void queueMetrics(std::vector<store::MetricPoint> points);
    void writeLoop();

    store::RunRepository repository_;
    std::int64_t run_;
    int batchLossEvery_;
    std::vector<std::string> classes_;
    std::vector<store::MetricPoint> pendingBatchLosses_; // training thread only

    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Task> queue_;
    bool busy_ = false;
    bool stopping_ = false;
    std::exception_ptr error_;
    std::thread writer_;
};

} // namespace kestrel::train
