#pragma once

#include "distributed/launch_environment.h"
#include "project_ref.h"

#include <memory>
#include <string>

class QObject;

namespace kestrel::distributed {
class ProcessGroupSession;
}
namespace kestrel::runs {
class TrainingSession;
}

namespace kestrel::app {

class RankProcesses;

// A run the window trains on several processes of this machine: the window is rank 0, and
// ranks 1..N-1 are RankProcesses. Made on the GUI thread; lead() on the run's task thread.
class LocalRanks {
public:
    // Starts ranks 1..N-1 of `session`'s run (N: its TrainOptions::worldSize, above 1), owned
    // by `parent`. Never throws: what kept them from starting (no free port) is kept, and
    // lead() fails the run with it.
    LocalRanks(const ProjectRef& project, const runs::TrainingSession& session, QObject* parent);

    // The started processes; null when they could not be started.
    RankProcesses* processes() const { return processes_; }

    // Joins the ranks' process group as rank 0 and makes `session` lead it
    // (TrainingSession::leadProcessGroup). Blocks until every rank has joined, at most two
    // minutes; throws kestrel::Error with one sentence when they do not.
    std::unique_ptr<distributed::ProcessGroupSession> lead(runs::TrainingSession& session) const;

private:
    distributed::LaunchEnvironment launch_;
    bool cuda_ = false;
    std::string problem_; // why the ranks could not start
    RankProcesses* processes_ = nullptr;
};

} // namespace kestrel::app
