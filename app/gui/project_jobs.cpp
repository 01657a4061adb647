#include "project_jobs.h"

#include "project_controller.h"

namespace kestrel::app {

void ProjectJobs::run(Job job) {
    {
        std::lock_guard lock(mutex_);
        ++running_;
    }
    projects_.withProject([this, job = std::move(job)](const std::shared_ptr<Project>& project) {
        struct CountOut { // also when the job throws
            ProjectJobs& jobs;
            ~CountOut() {
                std::lock_guard lock(jobs.mutex_);
                --jobs.running_;
                jobs.done_.notify_all();
            }
        } countOut{*this};
        job(project);
    });
}

void ProjectJobs::wait() {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return running_ == 0; });
}

} // namespace kestrel::app
