#pragma once

// The training controller's store jobs: a new (or resumed) run's row, a run's records as it
// trains, and the options to continue a run with. A family of small jobs, one file.
#include "anomaly/anomaly_options.h"
#include "runs/run_store_writer.h"
#include "store_job.h"
#include "train/train_options.h"

#include <cstdint>
#include <memory>
#include <optional>

namespace kestrel::runs {
class TrainingSession;
}
namespace kestrel::anomaly {
class AnomalySession;
}

namespace kestrel::app {

// A run set up to train: the session, and the connection of its own it reads the project
// through on the training thread (its writes come back here as RecordRunEvents). The run's
// task holds both and drops the session first; the window keeps only the session, to pause
// and cancel it, which never touches the project.
struct PreparedRun {
    std::shared_ptr<Project> project;
    std::shared_ptr<runs::TrainingSession> session;
};

// Creates a new run's row and parameters, or reopens one to resume. The samples it trains on
// are read here too: one query, in order with the labelling the user did before Start.
class CreateTrainingRun final : public StoreQuery<PreparedRun> {
public:
    CreateTrainingRun(ProjectRef project, std::optional<train::TrainOptions> options,
                      std::optional<std::int64_t> startFrom, std::int64_t resumeRun, Reply reply);
    const char* name() const override { return "setting up a training run"; }

protected:
    void perform(Project& project) override;

private:
    std::optional<train::TrainOptions> options_; // a new run
    std::optional<std::int64_t> startFrom_;      // its starting weights
    std::int64_t resumeRun_ = 0;                 // or the run to resume
};

// An anomaly-detection run set up to fit, as PreparedRun is for training.
struct PreparedAnomalyRun {
    std::shared_ptr<Project> project;
    std::shared_ptr<anomaly::AnomalySession> session;
};

// Creates an anomaly-detection run's row and parameters (anomaly::AnomalySession::create);
// refuses, recording nothing, options core refuses or a project without good training images.
class CreateAnomalyRun final : public StoreQuery<PreparedAnomalyRun> {
public:
    CreateAnomalyRun(ProjectRef project, anomaly::AnomalyOptions options, Reply reply)
        : StoreQuery(std::move(project), std::move(reply)), options_(std::move(options)) {}
    const char* name() const override { return "setting up an anomaly-detection run"; }

protected:
    void perform(Project& project) override;

private:
    anomaly::AnomalyOptions options_;
};

// Some of a run's records (a batch's metrics, an epoch's figures, its end), as core's
// RunRecorder writes them: through a RunRepository of the run's project and nothing else.
class RecordRunEvents final : public StoreJob {
public:
    RecordRunEvents(ProjectRef project, runs::RunStoreWriter::Task record)
        : StoreJob(std::move(project)), record_(std::move(record)) {}
    const char* name() const override { return "recording a training run"; }

protected:
    void perform(Project& project) override;

private:
    runs::RunStoreWriter::Task record_;
};

class LoadContinuation final : public StoreQuery<train::TrainOptions> {
public:
    LoadContinuation(ProjectRef project, std::int64_t runId, Reply reply)
        : StoreQuery(std::move(project), std::move(reply)), runId_(runId) {}
    const char* name() const override { return "reading a run's settings"; }

protected:
    void perform(Project& project) override;

private:
    std::int64_t runId_;
};

} // namespace kestrel::app
