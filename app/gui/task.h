#pragma once

#include "project_ref.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include <QString>

namespace kestrel::app {

class TaskManager;

// One piece of long work of the window (a training run, an export, a report, a label audit),
// after Kdenlive's AbstractTask: a title, the project it belongs to, progress, a cancel flag
// and how it ended. The work runs on a TaskManager thread, never on the store writer; it reads
// its project through a connection of its own and sends its writes to the writer as StoreJobs.
// Thread-safe: the work reports and checks cancel from its thread, the window reads.
class Task {
public:
    enum class State { Queued, Running, Finished, Failed, Cancelled };
    struct Progress {
        std::int64_t done = 0;
        std::int64_t total = 0; // 0: not known
        QString phase;          // e.g. "Verifying on 128 validation images"
    };
    // Throws to fail (the exception's sentence becomes error()); returns when done or
    // cancelled.
    using Work = std::function<void(Task&)>;

    Task(std::uint64_t id, QString title, ProjectRef project, Work work);

    std::uint64_t id() const { return id_; }
    const QString& title() const { return title_; }
    const ProjectRef& project() const { return project_; }

    // Any thread. The work sees it in isCancelled(); hooks wake work blocked elsewhere.
    void cancel();
    bool isCancelled() const { return cancelled_.load(); }
    // For core's long calls, which check a flag between units of work.
    const std::atomic<bool>& cancelFlag() const { return cancelled_; }
    // Runs `hook` on the cancelling thread when the task is cancelled (at once if it is).
    void onCancel(std::function<void()> hook);

    // The work's: coalesced to the GUI thread by the TaskManager.
    void setProgress(std::int64_t done, std::int64_t total, const QString& phase);
    Progress progress() const;

    State state() const;
    QString error() const; // one sentence when failed
    bool hasEnded() const;
    void waitUntilEnded() const; // blocks: for destructors, never for the GUI's event loop

private:
    friend class TaskManager;
    // On a TaskManager thread: runs the work and settles the state; never throws.
    void execute();
    // Set by the manager before the task is queued; told of progress.
    void setProgressListener(std::function<void()> listener);

    const std::uint64_t id_;
    const QString title_;
    const ProjectRef project_;
    Work work_;
    std::atomic<bool> cancelled_{false};

    mutable std::mutex mutex_;
    mutable std::condition_variable ended_;
    State state_ = State::Queued;
    QString error_;
    Progress progress_;
    std::vector<std::function<void()>> cancelHooks_;
    std::function<void()> progressListener_;
};

QString toString(Task::State state); // "queued", "running", "finished", "failed", "cancelled"

} // namespace kestrel::app
