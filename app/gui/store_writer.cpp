#include "store_writer.h"

#include "common/error.h"
#include "error_message.h"
#include "open_projects.h"

#include <QMetaObject>

namespace kestrel::app {

namespace {

// Runs no store work: its delivery is the barrier's answer.
class Barrier final : public StoreJob {
public:
    explicit Barrier(std::function<void()> done) : StoreJob({}), done_(std::move(done)) {}
    const char* name() const override { return "a barrier"; }
    void execute(OpenProjects&) override {}
    void deliver() override {
        if (done_) {
            done_();
        }
    }

protected:
    void perform(Project&) override {}

private:
    std::function<void()> done_;
};

} // namespace

StoreWriter::StoreWriter(QObject* parent) : QObject(parent) {
    thread_ = std::thread([this] { writeLoop(); });
}

StoreWriter::~StoreWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

void StoreWriter::submit(std::unique_ptr<StoreJob> job, QObject* context) {
    Entry entry;
    entry.job = std::move(job);
    entry.tellsContext = context != nullptr;
    entry.context = context;
    enqueue(std::move(entry));
}

void StoreWriter::submitAndWait(std::unique_ptr<StoreJob> job) {
    Entry entry;
    entry.job = std::move(job);
    entry.waiter = std::make_shared<std::promise<QString>>();
    std::future<QString> answer = entry.waiter->get_future();
    enqueue(std::move(entry));
    const QString error = answer.get();
    if (!error.isEmpty()) {
        throw Error(ErrorKind::Io, error.toStdString());
    }
}

void StoreWriter::waitUntilDrained() {
    submitAndWait(std::make_unique<Barrier>(nullptr));
}

void StoreWriter::whenDrained(QObject* context, std::function<void()> done) {
    submit(std::make_unique<Barrier>(std::move(done)), context);
}

void StoreWriter::enqueue(Entry entry) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            queue_.push_back(std::move(entry));
            changed_.notify_one();
            return;
        }
    }
    // Closing: whatever was submitted before runs, nothing after. A task still waiting is
    // told so rather than left hanging (tasks end before the writer, so this is a bug's net).
    if (entry.waiter) {
        entry.waiter->set_value(tr("The window is closing; %1 was not written.")
                                    .arg(QString::fromLatin1(entry.job->name())));
    }
}

void StoreWriter::writeLoop() {
    OpenProjects projects; // lives and dies on this thread, with every connection it holds
    std::unique_lock lock(mutex_);
    for (;;) {
        changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) {
            return; // stopping, and every job submitted has run
        }
        Entry entry = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        runOne(entry, projects);
        lock.lock();
        if (queue_.empty()) {
            projects.releaseOthers();
        }
    }
}

void StoreWriter::runOne(Entry& entry, OpenProjects& projects) {
    QString error;
    try {
        entry.job->execute(projects);
    } catch (const std::exception& exception) {
        error = errorMessage(exception);
    } catch (...) {
        error = tr("Unexpected error while %1.").arg(QString::fromLatin1(entry.job->name()));
    }
    if (entry.waiter) {
        entry.waiter->set_value(error);
    }
    if (!entry.tellsContext) {
        return;
    }
    // This object outlives the thread, so the queued call always finds it; the context may be
    // gone by then, and is checked there, on its own thread.
    std::shared_ptr<StoreJob> job = std::move(entry.job);
    QMetaObject::invokeMethod(
        this,
        [job, context = entry.context, error] {
            if (!context) {
                return;
            }
            if (error.isEmpty()) {
                job->deliver();
            } else {
                job->deliverFailure(error);
            }
        },
        Qt::QueuedConnection);
}

} // namespace kestrel::app
