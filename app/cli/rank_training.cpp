#include "rank_training.h"

#include "cancel_on_interrupt.h"
#include "command.h"
#include "common/error.h"
#include "distributed/process_group.h"
#include "distributed/rank_agreement.h"
#include "models/device.h"
#include "project/project.h"
#include "runs/run_params.h"
#include "runs/training_data.h"
#include "runs/training_session.h"
#include "store/run_repository.h"
#include "train/default_settings.h"
#include "train/trainer.h"
#include "train_command_steps.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace kestrel::cli {

namespace {

// One rank's share of a data-parallel run, planned alike on every rank so that the ranks can
// check they agree before the first step.
PlannedRun planRank(Project& project, const TrainCommandOptions& given, int worldSize,
                    const std::string& device) {
    PlannedRun plan;
    if (given.resume || given.joinRun) {
        refuseSettingsOfRecordedRun(given);
        const std::int64_t runId = given.resume ? *given.resume : *given.joinRun;
        store::RunRepository runs(project.database());
        runs.get(runId); // names the run when there is none
        const auto params = runs.params(runId);
        plan.options = runs::optionsFromParams(params);
        plan.data = runs::loadTrainingData(project, plan.options.task, plan.options.seed,
                                           runs::sampleIdentityOf(params));
    } else {
        plan.options = chooseOptions(project, given);
        plan.data = runs::loadTrainingData(project, plan.options.task, plan.options.seed);
        if (!given.batchSize && plan.options.batchSize % worldSize != 0) {
            // The defaults' batch, made to split over the ranks; the learning rate follows it.
            train::setBatchSize(
                plan.options, std::max(worldSize, plan.options.batchSize / worldSize * worldSize));
        }
    }
    plan.options.worldSize = worldSize;
    plan.options.device = device;
    train::validate(plan.options);
    return plan;
}

// torchrun's convention: each rank on the GPU of its LOCAL_RANK (unless told one by index).
std::string rankDevice(const std::string& asked, int localRank) {
    const std::string device = models::resolveDevice(asked);
    if (device == "cuda") {
        return "cuda:" + std::to_string(localRank);
    }
    return device;
}

// A rank other than 0: trains its shards with rank 0's run, writing nothing to the project.
int followLeader(Project& project, const TrainCommandOptions& given, PlannedRun plan,
                 distributed::ProcessGroupSession& group) {
    const std::int64_t runId = distributed::awaitRun(group);
    const auto folder = project.runsFolder() / std::to_string(runId);
    // A joined run goes on from its checkpoint when rank 0 resumed it; no rank can have
    // written one since, as every step waits for this rank.
    const bool resuming =
        given.resume || std::filesystem::exists(train::Trainer::lastCheckpoint(folder));
    train::Trainer* running = nullptr;
    CancelOnInterrupt cancelOnInterrupt([&running] {
        if (running) {
            running->cancel();
        }
    });
    train::Trainer trainer(plan.options, std::move(plan.data.data), folder, cancelOnInterrupt);
    running = &trainer;
    trainer.joinProcessGroup(group);
    const train::TrainingFinished finished = trainer.run(resuming);
    if (!succeeded(finished)) {
        std::cerr << "Rank " << group.rank() << ": " << finished.reason << "\n";
    }
    return succeeded(finished) ? kSuccess : kFailure;
}

} // namespace

int trainRank(const TrainCommandOptions& given, const distributed::LaunchEnvironment& launch) {
    const std::string device = rankDevice(given.device, launch.localRank);
    distributed::ProcessGroupSession group(launch, device.rfind("cuda", 0) == 0);
    // What keeps a rank from training (a project folder this machine cannot read) reaches
    // the other ranks, which would otherwise wait for it.
    std::optional<Project> opened;
    std::optional<PlannedRun> plan;
    distributed::RankView view;
    try {
        opened.emplace(Project::open(given.folder));
        plan = planRank(*opened, given, launch.worldSize, device);
        view.settings = runs::toParams(plan->options);
        view.dataFingerprint = plan->data.fingerprint;
    } catch (const std::exception& error) {
        view.problem = error.what();
    }
    distributed::checkRanksAgree(group, view);
    Project& project = *opened;
    if (!group.leader()) {
        return followLeader(project, given, std::move(*plan), group);
    }
    if (given.joinRun) {
        const std::string reason = "--join-run is for ranks other than 0; rank 0 starts the run.";
        distributed::publishRunFailure(group, reason);
        throw Error(ErrorKind::InvalidArgument, reason);
    }
    std::unique_ptr<runs::TrainingSession> session;
    try {
        session = openSession(project, given, std::move(plan), launch.worldSize);
        session->joinProcessGroup(group, device);
    } catch (const std::exception& error) {
        distributed::publishRunFailure(group, error.what());
        throw;
    }
    distributed::publishRun(group, session->runId());
    std::cerr << "Training on " << launch.worldSize << " ranks, "
              << session->options().batchSize / launch.worldSize << " images each of a batch of "
              << session->options().batchSize << ".\n";
    return trainSession(project, session, given);
}

} // namespace kestrel::cli
