#include "runs/run_store_writer.h"

namespace kestrel::runs {

ThreadedRunStoreWriter::ThreadedRunStoreWriter(store::Database& database)
    : repository_(database), writer_([this] { writeLoop(); }) {}

ThreadedRunStoreWriter::~ThreadedRunStoreWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    writer_.join();
}

void ThreadedRunStoreWriter::post(Task task) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(task));
    }
    changed_.notify_all();
}

void ThreadedRunStoreWriter::writeLoop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty() && stopping_) {
            return;
        }
        std::deque<Task> batch;
        batch.swap(queue_);
        busy_ = true;
        lock.unlock();
        try {
            // Metrics arrive in batches (an epoch's, or 20 batch losses), each one transaction.
            for (auto& task : batch) {
                task(repository_);
            }
        } catch (...) {
            lock.lock();
            if (!error_) {
                error_ = std::current_exception();
            }
            lock.unlock();
        }
        lock.lock();
        busy_ = false;
        changed_.notify_all();
    }
}

void ThreadedRunStoreWriter::flush() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return queue_.empty() && !busy_; });
    if (error_) {
        std::rethrow_exception(error_);
    }
}

} // namespace kestrel::runs
