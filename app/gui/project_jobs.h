#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

namespace kestrel {
class Project;
}

namespace kestrel::app {

class ProjectController;

// Jobs an object sends to the project thread and must outlive: run() counts them in and out,
// wait() blocks until every one has finished, and the destructor waits, so a job never
// touches a destroyed controller.
class ProjectJobs {
public:
    using Job = std::function<void(const std::shared_ptr<Project>&)>;

    explicit ProjectJobs(ProjectController& projects) : projects_(projects) {}
    ~ProjectJobs() { wait(); }
    ProjectJobs(const ProjectJobs&) = delete;
    ProjectJobs& operator=(const ProjectJobs&) = delete;

    void run(Job job);
    void wait();

private:
    ProjectController& projects_;
    std::mutex mutex_;
    std::condition_variable done_;
    int running_ = 0;
};

} // namespace kestrel::app
