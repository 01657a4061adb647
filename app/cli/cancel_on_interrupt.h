#pragma once

#include "train/training_events.h"

#include <atomic>
#include <functional>

namespace kestrel::cli {

// Ctrl-C (or SIGTERM) cancels between batches, so the run ends as "cancelled" with its last
// checkpoint instead of being killed mid-write; a second Ctrl-C kills as usual. (torchrun
// passes its Ctrl-C on to every rank, and the ranks stop at the same step.) One at a time.
class CancelOnInterrupt : public train::TrainingObserver {
public:
    explicit CancelOnInterrupt(std::function<void()> cancel);
    ~CancelOnInterrupt() override;
    CancelOnInterrupt(const CancelOnInterrupt&) = delete;
    CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;

    void batchDone(const train::BatchDone&) override;
    // Set by Ctrl-C or SIGTERM, for work after training that no batch polls (the review's
    // scoring).
    const std::atomic<bool>& interrupted() const;

private:
    std::function<void()> cancel_;
    bool cancelled_ = false;
};

} // namespace kestrel::cli
