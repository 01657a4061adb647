#include "training_store_jobs.h"

#include "project/project.h"
#include "store/run_repository.h"
#include "train/training_session.h"

namespace kestrel::app {

CreateTrainingRun::CreateTrainingRun(ProjectRef project, std::optional<train::TrainOptions> options,
                                     std::optional<std::int64_t> startFrom, std::int64_t resumeRun,
                                     Reply reply)
    : StoreQuery(std::move(project), std::move(reply)), options_(std::move(options)),
      startFrom_(startFrom), resumeRun_(resumeRun) {}

void CreateTrainingRun::perform(Project& project) {
    // The session keeps a connection of its own for the training thread to read through; the
    // writer's stays on the writer. Both write nothing but here, on this thread.
    auto own = std::make_shared<Project>(Project::open(project.folder()));
    std::shared_ptr<train::TrainingSession> session =
        options_ ? train::TrainingSession::create(*own, *options_, startFrom_)
                 : train::TrainingSession::resume(*own, resumeRun_);
    result_ = {std::move(own), std::move(session)};
}

void RecordRunEvents::perform(Project& project) {
    store::RunRepository runs(project.database());
    record_(runs);
}

void LoadContinuation::perform(Project& project) {
    result_ = train::continuationOptions(project, runId_);
}

} // namespace kestrel::app
