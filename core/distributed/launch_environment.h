#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace kestrel::distributed {

// Where this process stands in a data-parallel run, as torchrun (or the window, starting
// the ranks itself) describes it in the environment.
struct LaunchEnvironment {
    int rank = 0;                 // RANK: 0..worldSize-1 over every machine
    int localRank = 0;            // LOCAL_RANK: 0.. on this machine; picks the GPU
    int worldSize = 1;            // WORLD_SIZE
    std::string masterAddress;    // MASTER_ADDR: the host of the c10d store
    std::uint16_t masterPort = 0; // MASTER_PORT
    // TORCHELASTIC_USE_AGENT_STORE: torchrun's agent already serves the store at
    // MASTER_ADDR:MASTER_PORT, so rank 0 joins it as a client instead of serving one.
    bool agentServesStore = false;
    // How long a collective or a store lookup waits for the other ranks before this rank
    // gives up (KESTREL_PROCESS_GROUP_TIMEOUT in seconds; 30 minutes, PyTorch's default).
    std::chrono::milliseconds timeout{std::chrono::minutes(30)};
    // How long the ranks may take to meet at the store, at most `timeout`: torchrun starts
    // them at once, so seconds; minutes say that one cannot reach it.
    std::chrono::milliseconds joinTimeout{std::chrono::minutes(5)};
    // TORCHELASTIC_RESTART_COUNT: how often torchrun has restarted the ranks; keeps each
    // attempt's keys in the store apart.
    int restartCount = 0;

    bool leader() const { return rank == 0; }
};

// Looks a variable up; std::getenv by default, a table in tests.
using EnvironmentLookup = std::function<const char*(const char*)>;

// The launch this process belongs to, or nothing when WORLD_SIZE is unset (an ordinary,
// single-process run). Throws kestrel::Error (InvalidArgument) naming the variable and its
// value when one is missing or out of range.
std::optional<LaunchEnvironment> readLaunchEnvironment(const EnvironmentLookup& lookup);
std::optional<LaunchEnvironment> readLaunchEnvironment();

} // namespace kestrel::distributed
