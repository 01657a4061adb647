#include "distributed/launch_environment.h"

#include "common/error.h"

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace kestrel::distributed {

namespace {

Error badVariable(const char* name, std::string_view value, const std::string& expected) {
    return Error(ErrorKind::InvalidArgument,
                 std::string(name) + " is \"" + std::string(value) + "\"; " + expected + ".");
}

const char* required(const EnvironmentLookup& lookup, const char* name) {
    const char* value = lookup(name);
    if (!value || !*value) {
        throw Error(ErrorKind::InvalidArgument,
                    std::string(name) +
                        " is not set, though WORLD_SIZE is; start the ranks with torchrun, which "
                        "sets RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT.");
    }
    return value;
}

// A whole number in [low, high], or the sentence that names the variable.
long long wholeNumber(const char* name, const char* text, long long low, long long high,
                      const std::string& expected) {
    const std::string_view view(text);
    long long value = 0;
    const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), value);
    if (error != std::errc() || end != view.data() + view.size() || value < low || value > high) {
        throw badVariable(name, view, expected);
    }
    return value;
}

} // namespace

std::optional<LaunchEnvironment> readLaunchEnvironment(const EnvironmentLookup& lookup) {
    const char* worldSize = lookup("WORLD_SIZE");
    if (!worldSize || !*worldSize) {
        return std::nullopt;
    }
    LaunchEnvironment launch;
    launch.worldSize = static_cast<int>(wholeNumber("WORLD_SIZE", worldSize, 1, 65536,
                                                    "it must be the number of ranks, 1 or more"));
    const std::string rankRange = "it must be a whole number from 0 to " +
                                  std::to_string(launch.worldSize - 1) + " (WORLD_SIZE is " +
                                  std::to_string(launch.worldSize) + ")";
    launch.rank = static_cast<int>(
        wholeNumber("RANK", required(lookup, "RANK"), 0, launch.worldSize - 1, rankRange));
    launch.localRank = static_cast<int>(wholeNumber("LOCAL_RANK", required(lookup, "LOCAL_RANK"), 0,
                                                    launch.worldSize - 1, rankRange));
    launch.masterAddress = required(lookup, "MASTER_ADDR");
    launch.masterPort =
        static_cast<std::uint16_t>(wholeNumber("MASTER_PORT", required(lookup, "MASTER_PORT"), 1,
                                               65535, "it must be a TCP port from 1 to 65535"));
    if (const char* agent = lookup("TORCHELASTIC_USE_AGENT_STORE")) {
        const std::string_view value(agent);
        launch.agentServesStore = value == "True" || value == "true" || value == "1";
    }
    if (const char* restarts = lookup("TORCHELASTIC_RESTART_COUNT"); restarts && *restarts) {
        launch.restartCount = static_cast<int>(wholeNumber("TORCHELASTIC_RESTART_COUNT", restarts,
                                                           0, 1 << 30, "it must be 0 or more"));
    }
    if (const char* timeout = lookup("KESTREL_PROCESS_GROUP_TIMEOUT"); timeout && *timeout) {
        launch.timeout = std::chrono::seconds(
            wholeNumber("KESTREL_PROCESS_GROUP_TIMEOUT", timeout, 1, 7 * 24 * 3600,
                        "it must be a number of seconds, 1 or more"));
    }
    return launch;
}

std::optional<LaunchEnvironment> readLaunchEnvironment() {
    return readLaunchEnvironment([](const char* name) { return std::getenv(name); });
}

} // namespace kestrel::distributed
