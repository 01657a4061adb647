#pragma once

#include "task.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>

namespace kestrel::app {

// Runs the window's Tasks on threads of its own (never the store writer's), a few at a time,
// the rest queued. Progress reaches the GUI thread coalesced (at most ~10 deliveries a second
// per manager, whatever the rate of the work); a task that throws ends as failed with its
// sentence. Lives on the GUI thread.
class TaskManager : public QObject {
    Q_OBJECT
public:
    static constexpr int kThreads = 4; // a run, an audit, an export and a report at once

    explicit TaskManager(QObject* parent = nullptr);
    ~TaskManager() override; // cancels every task and waits for the work to return

    using Ended = std::function<void(const Task&)>;
    // Queues `work`. `ended` runs on the GUI thread after the task has ended, while `context`
    // lives (a controller passes itself, and cancels and waits for its tasks when destroyed).
    std::shared_ptr<Task> start(const QString& title, const ProjectRef& project, Task::Work work,
                                QObject* context = nullptr, Ended ended = {});

    // The tasks queued or running, oldest first; GUI thread.
    std::vector<std::shared_ptr<Task>> tasks() const;
    bool isIdle() const { return active_.empty(); }

signals:
    void taskAdded(quint64 id, const QString& title);
    void taskProgress(quint64 id, qint64 done, qint64 total, const QString& phase);
    void taskEnded(quint64 id, const QString& state, const QString& error);
    void idle(); // the last task queued or running has ended

private:
    struct Active {
        std::shared_ptr<Task> task;
        QPointer<QObject> context;
        bool hasContext = false;
        Ended ended;
    };

    void progressed(std::uint64_t id); // any thread
    void deliverProgress();            // GUI thread
    void finish(std::uint64_t id);     // GUI thread

    QThreadPool pool_;
    std::uint64_t nextId_ = 1;
    std::map<std::uint64_t, Active> active_; // GUI thread

    std::mutex progressMutex_;
    std::set<std::uint64_t> progressed_; // guarded by progressMutex_
    bool deliveryPosted_ = false;        // guarded by progressMutex_
    std::chrono::steady_clock::time_point lastDelivery_;
};

} // namespace kestrel::app
