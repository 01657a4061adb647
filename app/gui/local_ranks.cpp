#include "local_ranks.h"

#include "common/error.h"
#include "distributed/free_port.h"
#include "distributed/process_group.h"
#include "models/device.h"
#include "rank_processes.h"
#include "runs/training_session.h"

#include <chrono>

namespace kestrel::app {

namespace {

// Ranks on this machine join in seconds; one that has not by then never will.
constexpr std::chrono::milliseconds kJoinTimeout{std::chrono::minutes(2)};

// Whether a run's ranks are on GPUs: then each on cuda:LOCAL_RANK. A device this machine lacks
// counts as the CPU here; the trainer refuses it with its own sentence.
bool onCuda(const train::TrainOptions& options) {
    try {
        return models::resolveDevice(options.device).rfind("cuda", 0) == 0;
    } catch (const Error&) {
        return false;
    }
}

} // namespace

LocalRanks::LocalRanks(const ProjectRef& project, const runs::TrainingSession& session,
                       QObject* parent)
    : cuda_(onCuda(session.options())) {
    launch_.worldSize = session.options().worldSize;
    launch_.masterAddress = "127.0.0.1";
    launch_.joinTimeout = kJoinTimeout;
    try {
        launch_.masterPort = distributed::freeLocalPort();
    } catch (const Error& error) {
        problem_ = error.what();
        return;
    }
    RankProcesses::Launch ranks;
    ranks.program = RankProcesses::findRankProgram();
    ranks.projectFolder = project.folder;
    ranks.runId = session.runId();
    ranks.worldSize = launch_.worldSize;
    ranks.port = launch_.masterPort;
    ranks.device = cuda_ ? "cuda" : "cpu";
    ranks.threads = session.options().threads;
    processes_ = new RankProcesses(ranks, parent);
}

std::unique_ptr<distributed::ProcessGroupSession>
LocalRanks::lead(runs::TrainingSession& session) const {
    if (!problem_.empty()) {
        throw Error(ErrorKind::Io, problem_);
    }
    std::unique_ptr<distributed::ProcessGroupSession> group;
    try {
        group = std::make_unique<distributed::ProcessGroupSession>(launch_, cuda_);
    } catch (const Error&) {
        throw Error(ErrorKind::Io, "The run's other processes did not all join it within " +
                                       std::to_string(kJoinTimeout.count() / 1000) +
                                       " s; the run's notices say what they reported.");
    }
    session.leadProcessGroup(*group, cuda_ ? "cuda:0" : "cpu");
    return group;
}

} // namespace kestrel::app
