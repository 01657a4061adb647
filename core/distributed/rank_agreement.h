#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace kestrel::distributed {

class ProcessGroupSession;

// What a rank must share with rank 0 before the first step: the run's settings as the run
// records them, and the fingerprint of the samples it read.
struct RankView {
    std::map<std::string, std::string> settings;
    std::string dataFingerprint;
    // Why this rank could not make its view (an unreadable project, a bad option); then the
    // others learn it instead of waiting for a rank that will never train.
    std::string problem;
};

// Collective, through the store: every rank publishes its view and reads everyone's. Throws
// kestrel::Error (InvalidArgument) on every rank with the same sentence when a rank had a
// problem or differs from rank 0, naming the first such rank and what differs. Settings that
// are rightly a rank's own (its device, threads, loader workers, the path of its weights
// file) are not compared.
void checkRanksAgree(ProcessGroupSession& group, const RankView& view);

// Rank 0 tells the others which run they train (or why it could not start one); the others
// wait for it. Not collective: publishRun by rank 0, awaitRun by the rest.
void publishRun(ProcessGroupSession& group, std::int64_t runId);
void publishRunFailure(ProcessGroupSession& group, const std::string& reason);
// Throws kestrel::Error when rank 0 could not start the run.
std::int64_t awaitRun(ProcessGroupSession& group);

} // namespace kestrel::distributed
