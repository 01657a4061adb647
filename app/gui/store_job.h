#pragma once

#include "project_ref.h"

#include <functional>
#include <utility>

#include <QString>

namespace kestrel {
class Project;
}

namespace kestrel::app {

class OpenProjects;

// One named piece of store work for the writer thread (StoreWriter): a label edit, a run's
// records, an audit's result, a list of runs. The writer runs nothing else, so it stays free
// for the next key press; long work runs as a Task and sends its writes as StoreJobs.
// A job belongs to one project, named when it is made; the writer runs it on that project
// even when the window has opened another since (see OpenProjects).
class StoreJob {
public:
    explicit StoreJob(ProjectRef project) : project_(std::move(project)) {}
    virtual ~StoreJob() = default;
    StoreJob(const StoreJob&) = delete;
    StoreJob& operator=(const StoreJob&) = delete;

    // What the job does, in a few words, for the sentence when it fails.
    virtual const char* name() const = 0;
    const ProjectRef& project() const { return project_; }

    // On the writer thread. The default finds the job's project and calls perform(); the job
    // that opens a project replaces the open one instead. Throws to fail.
    virtual void execute(OpenProjects& projects);

    // On the GUI thread after execute(), while the object the job was submitted for lives:
    // deliver() when it succeeded, else the failure callback with its sentence.
    virtual void deliver() {}
    void deliverFailure(const QString& sentence) const {
        if (onFailure_) {
            onFailure_(sentence);
        }
    }
    void onFailure(std::function<void(const QString&)> callback) {
        onFailure_ = std::move(callback);
    }

protected:
    // On the writer thread, with the job's project. Throws kestrel::Error to fail.
    virtual void perform(Project& project) = 0;

private:
    ProjectRef project_;
    std::function<void(const QString&)> onFailure_;
};

// A job that reads or computes one Result on the writer and hands it to a callback on the
// GUI thread.
template <typename Result>
class StoreQuery : public StoreJob {
public:
    using Reply = std::function<void(Result)>;
    StoreQuery(ProjectRef project, Reply reply)
        : StoreJob(std::move(project)), reply_(std::move(reply)) {}
    void deliver() override {
        if (reply_) {
            reply_(std::move(result_));
        }
    }

protected:
    Result result_{};

private:
    Reply reply_;
};

} // namespace kestrel::app
