#pragma once

// Ranks of a process group as threads of one test: each joins a real c10d group (TCPStore
// and Gloo on 127.0.0.1) and runs the same function, as torchrun's processes would.
#include "distributed/free_port.h"
#include "distributed/launch_environment.h"
#include "distributed/process_group.h"

#include <exception>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace kestrel::distributed {

inline LaunchEnvironment localLaunch(int rank, int worldSize, std::uint16_t port) {
    LaunchEnvironment launch;
    launch.rank = rank;
    launch.localRank = rank;
    launch.worldSize = worldSize;
    launch.masterAddress = "127.0.0.1";
    launch.masterPort = port;
    launch.timeout = std::chrono::seconds(60);
    return launch;
}

// Runs `body` on `worldSize` ranks at once and returns what each threw ("" when nothing).
inline std::vector<std::string> runRanks(int worldSize,
                                         const std::function<void(ProcessGroupSession&)>& body) {
    const std::uint16_t port = freeLocalPort();
    std::vector<std::string> failures(static_cast<std::size_t>(worldSize));
    std::vector<std::thread> ranks;
    for (int rank = 0; rank < worldSize; ++rank) {
        ranks.emplace_back([&, rank] {
            try {
                ProcessGroupSession group(localLaunch(rank, worldSize, port), false);
                body(group);
            } catch (const std::exception& error) {
                failures[static_cast<std::size_t>(rank)] = error.what();
            }
        });
    }
    for (auto& rank : ranks) {
        rank.join();
    }
    return failures;
}

} // namespace kestrel::distributed
