#include "task_manager.h"

#include <QMetaObject>
#include <QTimer>

namespace kestrel::app {

namespace {

constexpr std::chrono::milliseconds kProgressInterval{100};

} // namespace

TaskManager::TaskManager(QObject* parent) : QObject(parent) {
    pool_.setMaxThreadCount(kThreads);
    pool_.setExpiryTimeout(-1); // LibTorch keeps per-thread state; threads are few, keep them
}

TaskManager::~TaskManager() {
    for (auto& [id, active] : active_) {
        active.task->cancel();
    }
    pool_.waitForDone(); // queued ones start, see they are cancelled and return at once
}

std::shared_ptr<Task> TaskManager::start(const QString& title, const ProjectRef& project,
                                         Task::Work work, QObject* context, Ended ended) {
    const std::uint64_t id = nextId_++;
    auto task = std::make_shared<Task>(id, title, project, std::move(work));
    task->setProgressListener([this, id] { progressed(id); });
    Active active;
    active.task = task;
    active.context = context;
    active.hasContext = context != nullptr;
    active.ended = std::move(ended);
    active_.emplace(id, std::move(active));
    emit taskAdded(id, title);
    pool_.start([this, task] {
        task->execute();
        // The manager outlives its pool's work (its destructor waits), so this always lands.
        QMetaObject::invokeMethod(
            this, [this, id = task->id()] { finish(id); }, Qt::QueuedConnection);
    });
    return task;
}

std::vector<std::shared_ptr<Task>> TaskManager::tasks() const {
    std::vector<std::shared_ptr<Task>> list;
    for (const auto& [id, active] : active_) {
        list.push_back(active.task);
    }
    return list;
}

void TaskManager::progressed(std::uint64_t id) {
    bool post = false;
    {
        std::lock_guard lock(progressMutex_);
        progressed_.insert(id);
        post = !deliveryPosted_;
        deliveryPosted_ = true;
    }
    if (post) {
        QMetaObject::invokeMethod(
            this, [this] { deliverProgress(); }, Qt::QueuedConnection);
    }
}

void TaskManager::deliverProgress() {
    const auto now = std::chrono::steady_clock::now();
    if (now - lastDelivery_ < kProgressInterval) {
        // Too soon: whatever arrives meanwhile goes out in one delivery.
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
            kProgressInterval - (now - lastDelivery_));
        QTimer::singleShot(static_cast<int>(wait.count()) + 1, this, [this] { deliverProgress(); });
        return;
    }
    lastDelivery_ = now;
    std::set<std::uint64_t> ids;
    {
        std::lock_guard lock(progressMutex_);
        ids.swap(progressed_);
        deliveryPosted_ = false;
    }
    for (const auto id : ids) {
        const auto found = active_.find(id);
        if (found == active_.end()) {
            continue; // ended meanwhile: its end says the rest
        }
        const Task::Progress progress = found->second.task->progress();
        emit taskProgress(id, progress.done, progress.total, progress.phase);
    }
}

void TaskManager::finish(std::uint64_t id) {
    const auto found = active_.find(id);
    if (found == active_.end()) {
        return;
    }
    Active active = std::move(found->second);
    active_.erase(found);
    const Task& task = *active.task;
    emit taskEnded(id, toString(task.state()), task.error());
    if (active.ended && (!active.hasContext || active.context)) {
        active.ended(task);
    }
    if (active_.empty()) {
        emit idle();
    }
}

} // namespace kestrel::app
