#include "distributed/rank_agreement.h"

#include "common/error.h"
#include "distributed/process_group.h"

#include <set>
#include <vector>

#include <nlohmann/json.hpp>

namespace kestrel::distributed {

namespace {

// A rank's own by nature: compared, they would refuse every multi-GPU run.
const std::set<std::string>& ownSettings() {
    static const std::set<std::string> own = {"device", "threads", "workers", "init_weights"};
    return own;
}

std::string encode(const RankView& view) {
    if (!view.problem.empty()) {
        return nlohmann::json{{"problem", view.problem}}.dump();
    }
    nlohmann::json settings = nlohmann::json::object();
    for (const auto& [name, value] : view.settings) {
        if (!ownSettings().count(name)) {
            settings[name] = value;
        }
    }
    return nlohmann::json{{"settings", settings}, {"data", view.dataFingerprint}}.dump();
}

// The sentence for the first difference between rank `rank`'s view and rank 0's, or "".
std::string difference(int rank, const nlohmann::json& mine, const nlohmann::json& leaders) {
    const std::string who = "Rank " + std::to_string(rank);
    if (mine["data"] != leaders["data"]) {
        return who + " reads different samples or labels from rank 0 (dataset fingerprint " +
               mine["data"].get<std::string>().substr(0, 12) + " against " +
               leaders["data"].get<std::string>().substr(0, 12) +
               "): every rank must train on the same project, on a shared file system.";
    }
    const auto& ours = mine["settings"];
    const auto& theirs = leaders["settings"];
    for (const auto& [name, value] : theirs.items()) {
        const std::string own = ours.contains(name) ? ours[name].get<std::string>() : "(unset)";
        if (own != value.get<std::string>()) {
            return who + "'s " + name + " is " + own + " where rank 0's is " +
                   value.get<std::string>() + ": start every rank with the same command.";
        }
    }
    for (const auto& [name, value] : ours.items()) {
        if (!theirs.contains(name)) {
            return who + " has a setting rank 0 lacks (" + name + " = " + value.get<std::string>() +
                   "): every rank must run the same Kestrel.";
        }
    }
    return "";
}

constexpr const char* kRunKey = "run";
constexpr const char* kFailurePrefix = "failed:";

} // namespace

void checkRanksAgree(ProcessGroupSession& group, const RankView& view) {
    group.publish("view/" + std::to_string(group.rank()), encode(view));
    std::vector<nlohmann::json> views;
    for (int rank = 0; rank < group.worldSize(); ++rank) {
        views.push_back(nlohmann::json::parse(group.lookUp("view/" + std::to_string(rank))));
    }
    // Every rank reads the same views, so every rank reaches the same sentence.
    for (int rank = 0; rank < group.worldSize(); ++rank) {
        if (views[rank].contains("problem")) {
            const std::string problem = views[rank]["problem"].get<std::string>();
            throw Error(ErrorKind::InvalidArgument,
                        rank == group.rank()
                            ? problem
                            : "Rank " + std::to_string(rank) + " could not start: " + problem);
        }
    }
    for (int rank = 1; rank < group.worldSize(); ++rank) {
        const std::string sentence = difference(rank, views[rank], views[0]);
        if (!sentence.empty()) {
            throw Error(ErrorKind::InvalidArgument, sentence);
        }
    }
}

void publishRun(ProcessGroupSession& group, std::int64_t runId) {
    group.publish(kRunKey, std::to_string(runId));
}

void publishRunFailure(ProcessGroupSession& group, const std::string& reason) {
    group.publish(kRunKey, kFailurePrefix + reason);
}

std::int64_t awaitRun(ProcessGroupSession& group) {
    const std::string value = group.lookUp(kRunKey);
    if (value.rfind(kFailurePrefix, 0) == 0) {
        throw Error(ErrorKind::InvalidArgument,
                    "Rank 0 could not start the run: " +
                        value.substr(std::string(kFailurePrefix).size()));
    }
    return std::stoll(value);
}

} // namespace kestrel::distributed
