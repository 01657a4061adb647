#pragma once

#include <chrono>
#include <cstdint>

namespace kestrel::monitor {

// One reading of this process's and the machine's CPU and memory use. Fields the operating
// system would not give stay 0.
struct SystemUsage {
    // Both since the previous sample. 100 for the process = one core fully busy; the machine's
    // is 0..100 over all its cores.
    double processCpuPercent = 0;
    double systemCpuPercent = 0;
    std::int64_t processRssBytes = 0;
    std::int64_t systemMemoryUsedBytes = 0; // MemTotal - MemAvailable: what programs really hold
    std::int64_t systemMemoryTotalBytes = 0;
    int cores = 0; // logical processors online
};

// Reads /proc (Linux). CPU use is a rate, so each sample reports the share since the previous
// one; the first sample has no previous one and reports 0 for both percentages. Never throws.
class SystemUsageSampler {
public:
    SystemUsage sample();

private:
    bool hasPrevious_ = false;
    std::uint64_t previousProcessTicks_ = 0; // utime + stime of all threads, in clock ticks
    std::uint64_t previousSystemTotalTicks_ = 0;
    std::uint64_t previousSystemIdleTicks_ = 0;
    std::chrono::steady_clock::time_point previousTime_;
};

} // namespace kestrel::monitor
