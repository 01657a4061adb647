#pragma once

#include "project_ref.h"
#include "store_job.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include <QObject>
#include <QPointer>
#include <QString>

namespace kestrel::app {

class OpenProjects;

// The process's one SQLite writer: a thread that runs StoreJobs, and nothing else, in the
// order submitted (after the qBittorrent resume-data storage's job queue). Each job runs on
// the project it belongs to; its answer comes back on the GUI thread. Long work is a Task
// (task_manager.h) that reads through its own connection and submits its writes here.
class StoreWriter : public QObject {
    Q_OBJECT
public:
    explicit StoreWriter(QObject* parent = nullptr);
    ~StoreWriter() override; // runs the jobs already submitted, then stops

    // Any thread. The job's deliver() (or its failure callback) runs on the GUI thread
    // afterwards, only while `context` lives; without a context nobody is told.
    void submit(std::unique_ptr<StoreJob> job, QObject* context = nullptr);
    // From a task thread (never the GUI's or the writer's): blocks until the job has run and
    // throws kestrel::Error with its sentence when it failed.
    void submitAndWait(std::unique_ptr<StoreJob> job);
    // From a task thread: blocks until every job submitted before has run.
    void waitUntilDrained();
    // A barrier: `done` runs on the GUI thread, while `context` lives, once every job
    // submitted before has run.
    void whenDrained(QObject* context, std::function<void()> done);

private:
    struct Entry {
        std::unique_ptr<StoreJob> job;
        QPointer<QObject> context; // made and read on the GUI thread only
        bool tellsContext = false;
        std::shared_ptr<std::promise<QString>> waiter; // submitAndWait's: the error, or empty
    };

    void enqueue(Entry entry);
    void writeLoop();
    void runOne(Entry& entry, OpenProjects& projects);

    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Entry> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace kestrel::app
