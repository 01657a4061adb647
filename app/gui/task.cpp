#include "task.h"

#include "error_message.h"

#include <utility>

namespace kestrel::app {

Task::Task(std::uint64_t id, QString title, ProjectRef project, Work work)
    : id_(id), title_(std::move(title)), project_(std::move(project)), work_(std::move(work)) {}

void Task::cancel() {
    std::vector<std::function<void()>> hooks;
    {
        std::lock_guard lock(mutex_);
        if (cancelled_.exchange(true)) {
            return;
        }
        hooks = cancelHooks_;
    }
    for (const auto& hook : hooks) {
        hook();
    }
}

void Task::onCancel(std::function<void()> hook) {
    {
        std::lock_guard lock(mutex_);
        if (!cancelled_.load()) {
            cancelHooks_.push_back(std::move(hook));
            return;
        }
    }
    hook();
}

void Task::setProgress(std::int64_t done, std::int64_t total, const QString& phase) {
    std::function<void()> listener;
    {
        std::lock_guard lock(mutex_);
        progress_ = {done, total, phase};
        listener = progressListener_;
    }
    if (listener) {
        listener();
    }
}

Task::Progress Task::progress() const {
    std::lock_guard lock(mutex_);
    return progress_;
}

Task::State Task::state() const {
    std::lock_guard lock(mutex_);
    return state_;
}

QString Task::error() const {
    std::lock_guard lock(mutex_);
    return error_;
}

bool Task::hasEnded() const {
    const State state = this->state();
    return state != State::Queued && state != State::Running;
}

void Task::waitUntilEnded() const {
    std::unique_lock lock(mutex_);
    ended_.wait(lock, [this] { return state_ != State::Queued && state_ != State::Running; });
}

void Task::setProgressListener(std::function<void()> listener) {
    std::lock_guard lock(mutex_);
    progressListener_ = std::move(listener);
}

void Task::execute() {
    {
        std::lock_guard lock(mutex_);
        state_ = State::Running;
    }
    QString error;
    try {
        if (!cancelled_.load()) { // cancelled while queued: the work never starts
            work_(*this);
        }
    } catch (const std::exception& exception) {
        error = errorMessage(exception);
    } catch (...) {
        error = QObject::tr("Unexpected error in %1.").arg(title_);
    }
    work_ = nullptr; // what the work captured goes now, on this thread
    {
        std::lock_guard lock(mutex_);
        error_ = error;
        state_ = !error.isEmpty()    ? State::Failed
                 : cancelled_.load() ? State::Cancelled
                                     : State::Finished;
        progressListener_ = nullptr;
    }
    ended_.notify_all();
}

QString toString(Task::State state) {
    switch (state) {
    case Task::State::Queued:
        return QStringLiteral("queued");
    case Task::State::Running:
        return QStringLiteral("running");
    case Task::State::Finished:
        return QStringLiteral("finished");
    case Task::State::Failed:
        return QStringLiteral("failed");
    case Task::State::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

} // namespace kestrel::app
