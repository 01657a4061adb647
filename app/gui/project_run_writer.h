#pragma once

#include "runs/run_store_writer.h"

#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>

namespace kestrel {
class Project;
}

namespace kestrel::app {

class ProjectController;

// A training run's records written on the project thread, the window's one SQLite writer,
// so labelling during a run and the run's metrics never contend for the database. Tasks
// run in order between the window's own edits.
class ProjectRunWriter : public runs::RunStoreWriter {
public:
    ProjectRunWriter(ProjectController& projects, std::shared_ptr<Project> project);
    ~ProjectRunWriter() override; // waits for the tasks posted so far
    ProjectRunWriter(const ProjectRunWriter&) = delete;
    ProjectRunWriter& operator=(const ProjectRunWriter&) = delete;

    void post(Task task) override;
    void flush() override;

private:
    void waitUntilWritten(std::unique_lock<std::mutex>& lock);

    ProjectController& projects_;
    std::shared_ptr<Project> project_;
    std::mutex mutex_;
    std::condition_variable written_;
    int pending_ = 0;
    std::exception_ptr error_;
};

} // namespace kestrel::app
