#include "runs/training_session.h"

#include "common/error.h"
#include "common/text.h"
#include "common/version.h"
#include "distributed/process_group.h"
#include "distributed/rank_agreement.h"
#include "inspection/area_verdict.h"
#include "inspection/operating_point.h"
#include "models/device.h"
#include "project/project.h"
#include "runs/run_lock.h"
#include "runs/run_log.h"
#include "runs/run_params.h"
#include "runs/run_recorder.h"
#include "store/run_repository.h"
#include "train/checkpoint.h"

#include <optional>

#include <torch/version.h>

namespace kestrel::runs {

namespace {

std::int64_t fileSize(const std::filesystem::path& file) {
    std::error_code ignored;
    const auto size = std::filesystem::file_size(file, ignored);
    return ignored ? 0 : static_cast<std::int64_t>(size);
}

} // namespace

TrainingSession::TrainingSession(Project& project, std::int64_t runId, train::TrainOptions options,
                                 ProjectTrainingData data, bool resuming)
    : project_(project), runId_(runId), options_(std::move(options)), data_(std::move(data)),
      resuming_(resuming) {}

std::unique_ptr<TrainingSession>
TrainingSession::create(Project& project, train::TrainOptions options,
                        std::optional<std::int64_t> startFrom,
                        std::optional<ProjectTrainingData> loaded) {
    validate(options);
    ProjectTrainingData data =
        loaded ? std::move(*loaded) : loadTrainingData(project, options.task, options.seed);
    // A region task on a project whose samples have no regions: say what is missing rather
    // than that there is nothing to train on.
    if (data.data.train.empty() && data.skipped > 0 && options.epochs > 0) {
        throw Error(
            ErrorKind::InvalidArgument,
            "None of the project's " + std::to_string(data.skipped) +
                " labelled defect samples has " +
                (options.task == TaskKind::Detection ? "a shape to box" : "a polygon or mask") +
                ", which " + toString(options.task) +
                " trains on; draw them or import annotations (COCO, YOLO, VOC, "
                "labelme) first.");
    }
    store::RunRepository runs(project.database());
    if (startFrom) {
        const std::string from = "run " + std::to_string(*startFrom);
        runs.get(*startFrom); // names the run when there is none
        const train::TrainOptions earlier = optionsFromParams(runs.params(*startFrom));
        if (earlier.task != options.task) {
            throw Error(ErrorKind::InvalidArgument,
                        "Continuing from " + from + " needs its task (" + toString(earlier.task) +
                            "), not " + toString(options.task) + ".");
        }
        if (earlier.model != options.model || earlier.channels != options.channels) {
            throw Error(ErrorKind::InvalidArgument,
                        "Continuing from " + from + " needs its model and colour (" +
                            earlier.model + ", " + std::to_string(earlier.channels) +
                            " channel(s)), not " + options.model + ", " +
                            std::to_string(options.channels) + ".");
        }
        options.initCheckpoint =
            train::Trainer::bestCheckpoint(project.runsFolder() / std::to_string(*startFrom));
        if (!std::filesystem::exists(options.initCheckpoint)) {
            throw Error(ErrorKind::InvalidArgument,
                        "Run " + std::to_string(*startFrom) + " has no weights to continue from (" +
                            options.initCheckpoint.string() + " is missing).");
        }
        options.initCheckpointHead =
            splitLines(runs.params(*startFrom)["classes"]) == data.data.classes;
        options.initWeights.clear();
    }
    // Checked before the run is recorded, so a project that cannot train leaves no trace.
    inspection::checkTargetDefectRecall(options.targetDefectRecall);
    inspection::findGoodClass(data.data.classes,
                              options.goodClass); // names a class that is not one
    inspection::areaRule(data.data.classes, options.minimumAreas, options.pixelSizeMm);
    {
        train::NullObserver none;
        train::Trainer check(options, data.data, {}, none);
    }
    const auto runId =
        runs.create(toString(options.task), options.model, static_cast<std::int64_t>(options.seed),
                    data.datasetVersion, startFrom);
    auto params = toParams(options);
    params["classes"] = joinLines(data.data.classes);
    params["dataset_fingerprint"] = data.fingerprint;
    params[kSampleIdentityParam] = toString(SampleIdentity::StoredPath);
    params["validation_source"] = data.validationSource;
    params["train_samples"] = std::to_string(data.data.train.size());
    params["val_samples"] = std::to_string(data.data.validation.size());
    params["test_samples"] = std::to_string(data.data.test.size());
    params["kestrel_version"] = kestrelVersion();
    params["libtorch_version"] = TORCH_VERSION;
    runs.setParams(runId, params);
    auto session = std::unique_ptr<TrainingSession>(
        new TrainingSession(project, runId, std::move(options), std::move(data), false));
    session->startedFrom_ = startFrom;
    return session;
}

std::unique_ptr<TrainingSession>
TrainingSession::resume(Project& project, std::int64_t runId, int worldSize,
                        std::optional<ProjectTrainingData> loaded) {
    markInterruptedRuns(project);
    store::RunRepository runs(project.database());
    const store::RunRecord run = runs.get(runId);
    if (run.status == "completed") {
        throw Error(ErrorKind::InvalidArgument,
                    "Run " + std::to_string(runId) + " has completed; there is nothing to resume.");
    }
    if (run.status == "running") {
        throw Error(ErrorKind::InvalidArgument,
                    "Run " + std::to_string(runId) + " is being trained by another process.");
    }
    const auto folder = project.runsFolder() / std::to_string(runId);
    if (!std::filesystem::exists(train::Trainer::lastCheckpoint(folder))) {
        throw Error(ErrorKind::InvalidArgument,
                    "Run " + std::to_string(runId) + " has no checkpoint to resume from (" +
                        train::Trainer::lastCheckpoint(folder).string() +
                        " is missing): it stopped before its first epoch ended.");
    }
    const auto params = runs.params(runId);
    train::TrainOptions options = optionsFromParams(params);
    if (options.worldSize != worldSize) {
        // A resumed run may go on with another number of ranks: the run shows the latest.
        options.worldSize = worldSize;
        validate(options); // the batch must split over the ranks
        const auto recorded = toParams(options);
        runs.setParams(runId, {{"world_size", recorded.at("world_size")},
                               {"rank_batch_size", recorded.at("rank_batch_size")}});
    }
    // A run recorded before sample identities were stored paths keeps its absolute-path
    // hashing, so its held-out samples and fingerprint are what they were.
    ProjectTrainingData data =
        loaded ? std::move(*loaded)
               : loadTrainingData(project, options.task, options.seed, sampleIdentityOf(params));
    const auto recorded = params.find("dataset_fingerprint");
    if (recorded != params.end() && recorded->second != data.fingerprint) {
        throw Error(ErrorKind::InvalidArgument,
                    "The project's samples or labels have changed since run " +
                        std::to_string(runId) +
                        " started, so it cannot be resumed as it was; start a new run.");
    }
    return std::unique_ptr<TrainingSession>(
        new TrainingSession(project, runId, std::move(options), std::move(data), true));
}

std::filesystem::path TrainingSession::runFolder() const {
    return project_.runsFolder() / std::to_string(runId_);
}

train::TrainingFinished TrainingSession::run(train::TrainingObserver& observer,
                                             RunStoreWriter* writer) {
    const auto folder = runFolder();
    auto lock = RunLock::tryAcquire(folder);
    if (!lock) {
        throw Error(ErrorKind::Io,
                    "Run " + std::to_string(runId_) + " is being trained by another process.");
    }
    std::optional<ThreadedRunStoreWriter> ownWriter;
    if (!writer) {
        writer = &ownWriter.emplace(project_.database());
    }
    const std::int64_t runId = runId_;
    std::string device = options_.device;
    try {
        device = models::resolveDevice(device);
    } catch (const Error&) {
        // The trainer refuses it below and records why; the log keeps what was asked.
    }
    logRunStarted(
        project_.folder(), runId, resuming_,
        toString(options_.task) + ", " + options_.model + " at " +
            std::to_string(options_.imageSize) + " px on " + device + ", " +
            countOf(options_.epochs, "epoch") + ", " +
            countOf(static_cast<std::int64_t>(data_.data.train.size()), "training image"));
    train::TrainingFinished finished;
    {
        RunRecorder recorder(*writer, runId_);
        // The recorder first, so the store is never behind what the user saw.
        train::ObserverPair both(recorder, observer);
        train::Trainer trainer(options_, data_.data, folder, both);
        if (group_) {
            trainer.joinProcessGroup(*group_);
        }
        {
            std::lock_guard guard(trainerMutex_);
            trainer_ = &trainer;
            if (paused_) {
                trainer.setPaused(true);
            }
            if (cancelled_) {
                trainer.cancel();
            }
        }
        try {
            if (announcesRun_) {
                announceRun();
            }
            finished = trainer.run(resuming_);
        } catch (const Error& error) {
            // Refused before training began (no CUDA, damaged checkpoint): record why.
            {
                std::lock_guard guard(trainerMutex_);
                trainer_ = nullptr;
            }
            writer->post([runId, reason = std::string(error.what())](store::RunRepository& runs) {
                runs.finish(runId, "failed", reason);
            });
            recorder.flush();
            logRunEnded(project_.folder(), runId, "failed", "", error.what());
            throw;
        }
        {
            std::lock_guard guard(trainerMutex_);
            trainer_ = nullptr;
        }
        recorder.flush();
    }
    for (const auto& checkpoint :
         {train::Trainer::bestCheckpoint(folder), train::Trainer::lastCheckpoint(folder)}) {
        if (std::filesystem::exists(checkpoint) && !resuming_) {
            writer->post([runId, path = project_.storedPath(checkpoint),
                          size = fileSize(checkpoint)](store::RunRepository& runs) {
                runs.addArtifact(runId, "checkpoint", path, size);
            });
        }
    }
    writer->flush();
    logRunEnded(project_.folder(), runId, train::toString(finished.status),
                "after " + countOf(finished.epochsDone, "epoch"), finished.reason);
    return finished;
}

train::TrainOptions continuationOptions(Project& project, std::int64_t runId) {
    store::RunRepository runs(project.database());
    runs.get(runId);
    train::TrainOptions options = optionsFromParams(runs.params(runId));
    options.initWeights.clear();
    options.initCheckpoint.clear();
    options.initCheckpointHead = true;
    return options;
}

void TrainingSession::joinProcessGroup(distributed::ProcessGroupSession& group,
                                       const std::string& device) {
    if (options_.worldSize != group.worldSize()) {
        throw Error(ErrorKind::InvalidArgument,
                    "Run " + std::to_string(runId_) + " was set up for " +
                        std::to_string(options_.worldSize) + " rank(s), not the group's " +
                        std::to_string(group.worldSize()) + ".");
    }
    options_.device = device;
    group_ = &group;
}

void TrainingSession::leadProcessGroup(distributed::ProcessGroupSession& group,
                                       const std::string& device) {
    joinProcessGroup(group, device);
    announcesRun_ = true;
}

void TrainingSession::announceRun() {
    distributed::RankView view;
    view.settings = toParams(options_);
    view.dataFingerprint = data_.fingerprint;
    distributed::checkRanksAgree(*group_, view); // every rank throws alike on a difference
    distributed::publishRun(*group_, runId_);
}

void TrainingSession::cancel() {
    cancelled_ = true;
    std::lock_guard guard(trainerMutex_);
    if (trainer_) {
        trainer_->cancel();
    }
}

void TrainingSession::setPaused(bool paused) {
    paused_ = paused;
    std::lock_guard guard(trainerMutex_);
    if (trainer_) {
        trainer_->setPaused(paused);
    }
}

bool TrainingSession::isHeldByPause() {
    std::lock_guard guard(trainerMutex_);
    return trainer_ != nullptr && trainer_->isHeldByPause();
}

} // namespace kestrel::runs
