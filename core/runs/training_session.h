#pragma once

#include "runs/run_store_writer.h"
#include "runs/training_data.h"
#include "train/trainer.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

namespace kestrel {
class Project;
}

namespace kestrel::distributed {
class ProcessGroupSession;
}

namespace kestrel::runs {

// One run of a project, from its row in the store to its last metric: creates (or, to
// resume, reopens) the run with all its parameters, holds the run's lock while training,
// records every event through a RunRecorder and forwards it to the caller's observer.
// The caller must not write to the project's database while run() is going.
class TrainingSession {
public:
    // A new run with these options. Throws kestrel::Error for invalid options or a project
    // that cannot be trained (fewer than two classes, no training samples).
    // With `startFrom`, the run continues training from that run's best weights on the
    // project's current samples (its last layer starts fresh when the classes have changed);
    // the model and colour must be that run's (see continuationOptions()).
    // `loaded`: the project's training data for these options' task and seed, when the
    // caller has read it already (a rank checks it against the others' first).
    static std::unique_ptr<TrainingSession> create(Project& project, train::TrainOptions options,
                                                   std::optional<std::int64_t> startFrom = {},
                                                   std::optional<ProjectTrainingData> loaded = {});
    // Continues run `runId` from its last checkpoint, with the options it was started with,
    // on `worldSize` ranks (this one the first; see joinProcessGroup), which may differ from
    // the number it started with. Throws kestrel::Error (NotFound, InvalidArgument) when the
    // run does not exist, has completed, has no checkpoint to resume from, or its batch does
    // not split over the ranks.
    static std::unique_ptr<TrainingSession> resume(Project& project, std::int64_t runId,
                                                   int worldSize = 1,
                                                   std::optional<ProjectTrainingData> loaded = {});

    std::int64_t runId() const { return runId_; }
    const train::TrainOptions& options() const { return options_; }
    const ProjectTrainingData& data() const { return data_; }
    std::filesystem::path runFolder() const;
    std::optional<std::int64_t> startedFrom() const { return startedFrom_; }

    // Trains to the end (or until cancelled); never throws for a failed run, which comes back
    // as Status::Failed and is recorded so. Throws kestrel::Error (Io) when another process
    // is training this run. Records go through `writer` when given (it must write this
    // project), else through a writer thread of the run's own.
    train::TrainingFinished run(train::TrainingObserver& observer,
                                RunStoreWriter* writer = nullptr);
    // This process is rank 0 of a data-parallel run (train::Trainer::joinProcessGroup): the
    // run trains with the group's ranks, on `device`. The run was created (or resumed) for
    // that many ranks, so nothing is written here; throws kestrel::Error when it was not.
    void joinProcessGroup(distributed::ProcessGroupSession& group, const std::string& device);
    // joinProcessGroup, where the other ranks learn the run from this one (the window's way:
    // they start with `kestrel-cli train --join-run`): run() first checks that every rank
    // plans this run (distributed::checkRanksAgree), then tells them its id. A rank that
    // differs or could not start fails the run, recorded so, with its sentence.
    void leadProcessGroup(distributed::ProcessGroupSession& group, const std::string& device);

    void cancel();
    void setPaused(bool paused);
    bool isHeldByPause(); // run() is stopped at a pause (see Trainer::isHeldByPause)

private:
    TrainingSession(Project& project, std::int64_t runId, train::TrainOptions options,
                    ProjectTrainingData data, bool resuming);
    void announceRun(); // leadProcessGroup's check and id, before the first step

    Project& project_;
    std::int64_t runId_;
    train::TrainOptions options_;
    ProjectTrainingData data_;
    bool resuming_;
    std::optional<std::int64_t> startedFrom_;
    distributed::ProcessGroupSession* group_ = nullptr;
    bool announcesRun_ = false; // leadProcessGroup

    std::mutex trainerMutex_;
    train::Trainer* trainer_ = nullptr; // while run() is going
    std::atomic<bool> cancelled_{false};
    std::atomic<bool> paused_{false};
};

// The options run `runId` trained with, to continue from it: the same model, input and
// schedule, without its own starting weights. Throws kestrel::Error when there is no such run.
train::TrainOptions continuationOptions(Project& project, std::int64_t runId);

} // namespace kestrel::runs
