#pragma once

#include "store/run_repository.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace kestrel::store {
class Database;
}

namespace kestrel::runs {

// Where a run's records are written: the process's one SQLite writer. Tasks run in the
// order posted, off the training thread, so a slow disk never stalls a batch. The command
// line gives a run its own writer thread; the window passes its project thread instead.
class RunStoreWriter {
public:
    using Task = std::function<void(store::RunRepository&)>;
    virtual ~RunStoreWriter() = default;
    virtual void post(Task task) = 0;
    // Blocks until every task posted so far has run; rethrows the first task's error.
    virtual void flush() = 0;
};

// A writer with a thread of its own over `database`, which it writes in batches: whatever
// has queued up while the previous batch was written.
class ThreadedRunStoreWriter : public RunStoreWriter {
public:
    explicit ThreadedRunStoreWriter(store::Database& database);
    ~ThreadedRunStoreWriter() override; // drains the queue
    ThreadedRunStoreWriter(const ThreadedRunStoreWriter&) = delete;
    ThreadedRunStoreWriter& operator=(const ThreadedRunStoreWriter&) = delete;

    void post(Task task) override;
    void flush() override;

private:
    void writeLoop();

    store::RunRepository repository_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Task> queue_;
    bool busy_ = false;
    bool stopping_ = false;
    std::exception_ptr error_;
    std::thread writer_;
};

} // namespace kestrel::runs
