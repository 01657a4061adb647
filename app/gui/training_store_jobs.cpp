#include "training_store_jobs.h"

#include "anomaly/anomaly_session.h"
#include "project/project.h"
#include "runs/training_session.h"
#include "store/run_repository.h"

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
    std::shared_ptr<runs::TrainingSession> session =
        options_ ? runs::TrainingSession::create(*own, *options_, startFrom_)
                 : runs::TrainingSession::resume(*own, resumeRun_);
    result_ = {std::move(own), std::move(session)};
}

void CreateAnomalyRun::perform(Project& project) {
    // As CreateTrainingRun: a connection of its own for the fitting thread to read through.
    auto own = std::make_shared<Project>(Project::open(project.folder()));
    std::shared_ptr<anomaly::AnomalySession> session =
        anomaly::AnomalySession::create(*own, options_);
    result_ = {std::move(own), std::move(session)};
}

void RecordRunEvents::perform(Project& project) {
    store::RunRepository runs(project.database());
    record_(runs);
}

void LoadContinuation::perform(Project& project) {
    result_ = runs::continuationOptions(project, runId_);
}

} // namespace kestrel::app
