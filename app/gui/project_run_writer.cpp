#include "project_run_writer.h"

#include "project/project.h"
#include "project_controller.h"
#include "store/run_repository.h"

#include <utility>

namespace kestrel::app {

ProjectRunWriter::ProjectRunWriter(ProjectController& projects, std::shared_ptr<Project> project)
    : projects_(projects), project_(std::move(project)) {}

ProjectRunWriter::~ProjectRunWriter() {
    std::unique_lock lock(mutex_);
    waitUntilWritten(lock);
}

void ProjectRunWriter::post(Task task) {
    {
        std::lock_guard lock(mutex_);
        ++pending_;
    }
    // The task writes the run's own project, even if the window has opened another since.
    projects_.withProject([this, task = std::move(task)](const std::shared_ptr<Project>&) {
        std::exception_ptr failure;
        try {
            store::RunRepository runs(project_->database());
            task(runs);
        } catch (...) {
            failure = std::current_exception();
        }
        std::lock_guard lock(mutex_);
        if (failure && !error_) {
            error_ = failure;
        }
        --pending_;
        written_.notify_all();
    });
}

void ProjectRunWriter::waitUntilWritten(std::unique_lock<std::mutex>& lock) {
    written_.wait(lock, [this] { return pending_ == 0; });
}

void ProjectRunWriter::flush() {
    std::unique_lock lock(mutex_);
    waitUntilWritten(lock);
    if (error_) {
        std::rethrow_exception(std::exchange(error_, nullptr));
    }
}

} // namespace kestrel::app
