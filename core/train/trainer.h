#pragma once

#include "loader/loader_options.h"
#include "train/train_options.h"
#include "train/training_events.h"

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace kestrel::distributed {
class ProcessGroupSession;
}

namespace kestrel::train {

// The samples of one run, split. `validation` may be empty (then there is no early stopping
// and "best" is the last epoch); `test` is evaluated once, with the best weights, at the end.
struct TrainingData {
    std::vector<std::string> classes;
    std::vector<loader::LoaderSample> train;
    std::vector<loader::LoaderSample> validation;
    std::vector<loader::LoaderSample> test;
};

// Trains one classifier: builds the model, runs epochs of batches with the options'
// optimizer, schedule and precision, evaluates each epoch, keeps best.pt and last.pt in
// `runFolder`, and reports to `observer`. run() blocks; call it on a worker thread. cancel()
// and setPaused() may be called from any thread and take effect between batches.
class Trainer {
public:
    Trainer(TrainOptions options, TrainingData data, std::filesystem::path runFolder,
            TrainingObserver& observer);

    // Trains from scratch (or from options.initWeights), or, with `resume`, continues from
    // runFolder/last.pt. Never throws for training failures: they end as Status::Failed with
    // a reason (bad options and unreadable checkpoints still throw kestrel::Error before
    // anything starts).
    TrainingFinished run(bool resume = false);

    // Trains data-parallel with the group's other ranks (options.worldSize of them): each
    // takes its shard of every epoch, gradients are averaged, and only rank 0 writes
    // checkpoints and evaluates the test split. Call before run().
    void joinProcessGroup(distributed::ProcessGroupSession& group);

    void cancel();
    void setPaused(bool paused);
    // True while run() is stopped at a pause, before a batch: what a caller waits for to know
    // that no batch trains until it resumes.
    bool isHeldByPause() const;

    static std::filesystem::path lastCheckpoint(const std::filesystem::path& runFolder);
    static std::filesystem::path bestCheckpoint(const std::filesystem::path& runFolder);

private:
    bool waitWhilePaused(); // false when cancelled

    TrainOptions options_;
    TrainingData data_;
    std::filesystem::path runFolder_;
    TrainingObserver& observer_;
    distributed::ProcessGroupSession* group_ = nullptr;

    std::atomic<bool> cancelled_{false};
    mutable std::mutex pauseMutex_;
    std::condition_variable pauseChanged_;
    bool paused_ = false;
    bool heldByPause_ = false; // guarded by pauseMutex_
};

// Sets up the process for CPU tensor work, as training and its benchmark both need it:
// `threads` intra-op threads (0: one per core) and freed tensor memory kept for reuse.
void prepareCpuForTraining(int threads);

} // namespace kestrel::train
