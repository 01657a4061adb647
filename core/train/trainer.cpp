#include "train/trainer.h"

#include "common/blas_threads.h"
#include "common/error.h"
#include "common/tensor_allocator.h"
#include "distributed/process_group.h"

#include <algorithm>
#include <thread>

#include <ATen/Parallel.h>

namespace kestrel::train {

Trainer::Trainer(TrainOptions options, TrainingData data, std::filesystem::path runFolder,
                 TrainingObserver& observer)
    : options_(std::move(options)), data_(std::move(data)), runFolder_(std::move(runFolder)),
      observer_(observer) {
    validate(options_);
    if (data_.classes.size() < 2) {
        throw Error(ErrorKind::InvalidArgument,
                    "Training needs at least 2 labelled classes; this project has " +
                        std::to_string(data_.classes.size()) + ".");
    }
    if (data_.train.empty() && options_.epochs > 0) {
        throw Error(ErrorKind::InvalidArgument,
                    "There are no readable, labelled training samples to train on.");
    }
}

void Trainer::joinProcessGroup(distributed::ProcessGroupSession& group) {
    if (group.worldSize() != options_.worldSize) {
        throw Error(ErrorKind::InvalidArgument,
                    "The run's settings are for " + std::to_string(options_.worldSize) +
                        " rank(s), but " + std::to_string(group.worldSize()) + " joined.");
    }
    group_ = &group;
}

std::filesystem::path Trainer::lastCheckpoint(const std::filesystem::path& runFolder) {
    return runFolder / "last.pt";
}

std::filesystem::path Trainer::bestCheckpoint(const std::filesystem::path& runFolder) {
    return runFolder / "best.pt";
}

void Trainer::cancel() {
    cancelled_ = true;
    setPaused(false);
}

void Trainer::setPaused(bool paused) {
    {
        std::lock_guard lock(pauseMutex_);
        paused_ = paused;
    }
    pauseChanged_.notify_all();
}

bool Trainer::waitWhilePaused() {
    std::unique_lock lock(pauseMutex_);
    heldByPause_ = true;
    pauseChanged_.wait(lock, [this] { return !paused_ || cancelled_.load(); });
    heldByPause_ = false;
    return !cancelled_.load();
}

bool Trainer::isHeldByPause() const {
    std::lock_guard lock(pauseMutex_);
    return heldByPause_ && paused_;
}

void prepareCpuForTraining(int threads) {
    keepFreedTensorMemory();
    keepBlasOnOneThread();
    at::set_num_threads(threads > 0
                            ? threads
                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

} // namespace kestrel::train
