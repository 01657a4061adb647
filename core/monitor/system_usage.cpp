#include "monitor/system_usage.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>

namespace kestrel::monitor {
namespace {

std::string readWholeFile(const char* path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// utime + stime from /proc/self/stat. The command name (field 2) may hold spaces and
// parentheses, so fields are counted from the last ')'.
std::optional<std::uint64_t> processTicks() {
    const std::string stat = readWholeFile("/proc/self/stat");
    const auto nameEnd = stat.rfind(')');
    if (nameEnd == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream fields(stat.substr(nameEnd + 1));
    std::string skipped;
    for (int field = 3; field <= 13; ++field) { // state .. cmajflt
        fields >> skipped;
    }
    std::uint64_t utime = 0;
    std::uint64_t stime = 0;
    if (!(fields >> utime >> stime)) {
        return std::nullopt;
    }
    return utime + stime;
}

struct SystemTicks {
    std::uint64_t total = 0;
    std::uint64_t idle = 0;
};

// The aggregate "cpu" line of /proc/stat. guest and guest_nice are already counted in user
// and nice, so only the first eight columns are summed; iowait counts as idle.
std::optional<SystemTicks> systemTicks() {
    std::ifstream in("/proc/stat");
    std::string label;
    in >> label;
    if (label != "cpu") {
        return std::nullopt;
    }
    std::uint64_t columns[8] = {};
    for (auto& column : columns) {
        if (!(in >> column)) {
            return std::nullopt;
        }
    }
    SystemTicks ticks;
    for (const auto column : columns) {
        ticks.total += column;
    }
    ticks.idle = columns[3] + columns[4];
    return ticks;
}

std::int64_t pageSizeBytes() {
    const long size = ::sysconf(_SC_PAGESIZE);
    return size > 0 ? size : 4096;
}

// Resident pages are the second number of /proc/self/statm.
std::int64_t processRssBytes() {
    std::ifstream in("/proc/self/statm");
    std::int64_t sizePages = 0;
    std::int64_t residentPages = 0;
    if (!(in >> sizePages >> residentPages)) {
        return 0;
    }
    return residentPages * pageSizeBytes();
}

struct MemoryInfo {
    std::int64_t totalBytes = 0;
    std::int64_t usedBytes = 0;
};

MemoryInfo systemMemory() {
    std::ifstream in("/proc/meminfo");
    std::int64_t totalKiB = -1;
    std::int64_t availableKiB = -1;
    std::int64_t freeKiB = -1;
    std::string key;
    std::int64_t value = 0;
    std::string unit;
    while (in >> key >> value) {
        std::getline(in, unit); // " kB" or nothing
        if (key == "MemTotal:") {
            totalKiB = value;
        } else if (key == "MemAvailable:") {
            availableKiB = value;
        } else if (key == "MemFree:") {
            freeKiB = value;
        }
    }
    MemoryInfo memory;
    if (totalKiB <= 0) {
        return memory;
    }
    // MemAvailable is missing before Linux 3.14; MemFree understates what is free there.
    const std::int64_t unusedKiB =
        availableKiB >= 0 ? availableKiB : std::max<std::int64_t>(freeKiB, 0);
    memory.totalBytes = totalKiB * 1024;
    memory.usedBytes = std::max<std::int64_t>(totalKiB - unusedKiB, 0) * 1024;
    return memory;
}

double ticksPerSecond() {
    const long ticks = ::sysconf(_SC_CLK_TCK);
    return ticks > 0 ? static_cast<double>(ticks) : 100.0;
}

} // namespace

SystemUsage SystemUsageSampler::sample() {
    SystemUsage usage;
    usage.cores = static_cast<int>(std::thread::hardware_concurrency());
    usage.processRssBytes = processRssBytes();
    const MemoryInfo memory = systemMemory();
    usage.systemMemoryTotalBytes = memory.totalBytes;
    usage.systemMemoryUsedBytes = memory.usedBytes;

    const auto now = std::chrono::steady_clock::now();
    const auto process = processTicks();
    const auto system = systemTicks();
    if (!process || !system) {
        hasPrevious_ = false; // a reading is missing: the next sample starts over
        return usage;
    }
    if (hasPrevious_ && *process >= previousProcessTicks_ &&
        system->total >= previousSystemTotalTicks_ && system->idle >= previousSystemIdleTicks_) {
        const double elapsedSeconds = std::chrono::duration<double>(now - previousTime_).count();
        if (elapsedSeconds > 0) {
            const double processSeconds =
                static_cast<double>(*process - previousProcessTicks_) / ticksPerSecond();
            usage.processCpuPercent = 100.0 * processSeconds / elapsedSeconds;
        }
        const std::uint64_t totalDelta = system->total - previousSystemTotalTicks_;
        const std::uint64_t idleDelta = system->idle - previousSystemIdleTicks_;
        if (totalDelta > 0 && idleDelta <= totalDelta) {
            usage.systemCpuPercent = 100.0 * static_cast<double>(totalDelta - idleDelta) /
                                     static_cast<double>(totalDelta);
        }
    }
    hasPrevious_ = true;
    previousProcessTicks_ = *process;
    previousSystemTotalTicks_ = system->total;
    previousSystemIdleTicks_ = system->idle;
    previousTime_ = now;
    return usage;
}

} // namespace kestrel::monitor
