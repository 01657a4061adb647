#include "monitor/gpu_monitor.h"
#include "monitor/system_usage.h"

#include <atomic>
#include <cstddef>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

namespace kestrel::monitor {
namespace {

constexpr std::int64_t mebibyte = 1024 * 1024;

std::int64_t memTotalFromProc() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::int64_t kib = 0;
    std::string unit;
    while (in >> key >> kib >> unit) {
        if (key == "MemTotal:") {
            return kib * 1024;
        }
    }
    return -1;
}

double processCpuSeconds() {
    timespec time{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time);
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_nsec) * 1e-9;
}

double steadySeconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

TEST(SystemUsageTest, TheFirstSampleReportsNoCpuUse) {
    SystemUsageSampler sampler;
    const SystemUsage usage = sampler.sample();
    EXPECT_EQ(usage.processCpuPercent, 0.0);
    EXPECT_EQ(usage.systemCpuPercent, 0.0);
}

TEST(SystemUsageTest, MemoryTotalsMatchProcMeminfo) {
    SystemUsageSampler sampler;
    const SystemUsage usage = sampler.sample();
    EXPECT_GT(usage.systemMemoryTotalBytes, 0);
    EXPECT_EQ(usage.systemMemoryTotalBytes, memTotalFromProc());
    EXPECT_GT(usage.systemMemoryUsedBytes, 0);
    EXPECT_LE(usage.systemMemoryUsedBytes, usage.systemMemoryTotalBytes);
    EXPECT_GT(usage.processRssBytes, 0);
    EXPECT_EQ(usage.cores, static_cast<int>(std::thread::hardware_concurrency()));
}

TEST(SystemUsageTest, ResidentMemoryGrowsByATouchedBuffer) {
    constexpr std::size_t bufferBytes = 64 * mebibyte;
    // Allocated but not initialised, so not yet resident: only touching it below makes it so,
    // which tells resident memory apart from the address space reserved.
    const std::unique_ptr<char[]> buffer(new char[bufferBytes]);
    SystemUsageSampler sampler;
    const std::int64_t before = sampler.sample().processRssBytes;
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    // volatile so that the compiler keeps writes to a buffer nobody else reads.
    volatile char* bytes = buffer.get();
    for (std::size_t offset = 0; offset < bufferBytes; offset += page) {
        bytes[offset] = 1;
    }
    const std::int64_t grown = sampler.sample().processRssBytes - before;
    EXPECT_GT(grown, 48 * mebibyte);
    EXPECT_LT(grown, 96 * mebibyte);
    EXPECT_EQ(bytes[0], 1);
}

TEST(SystemUsageTest, ABusyThreadShowsAsProcessCpuUse) {
    SystemUsageSampler sampler;
    const double cpuBefore = processCpuSeconds();
    const double wallBefore = steadySeconds();
    sampler.sample();
    // Spin until this process has used 300 ms of CPU: the amount of work is fixed, however
    // busy the machine is.
    std::thread spinner([cpuBefore] {
        std::atomic<std::uint64_t> turns{0};
        while (processCpuSeconds() - cpuBefore < 0.3) {
            turns.fetch_add(1, std::memory_order_relaxed);
        }
    });
    spinner.join();
    const SystemUsage usage = sampler.sample();
    const double measuredPercent =
        100.0 * (processCpuSeconds() - cpuBefore) / (steadySeconds() - wallBefore);

    EXPECT_GT(usage.processCpuPercent, 30.0);
    // The kernel counts in clock ticks (usually 10 ms), so a few ticks of 300 ms may differ.
    EXPECT_NEAR(usage.processCpuPercent, measuredPercent, 20.0);
    EXPECT_GT(usage.systemCpuPercent, 0.0);
    EXPECT_LE(usage.systemCpuPercent, 100.0);
}

TEST(GpuMonitorTest, AMissingLibraryLeavesTheMonitorUnavailable) {
    GpuMonitor monitor("libkestrel-no-such-nvml.so.1");
    EXPECT_FALSE(monitor.available());
    EXPECT_NE(monitor.unavailableReason().find("libkestrel-no-such-nvml.so.1"), std::string::npos)
        << monitor.unavailableReason();
    EXPECT_TRUE(monitor.sample().empty());
}

TEST(GpuMonitorTest, ALibraryWithoutNvmlNamesTheMissingFunction) {
    GpuMonitor monitor("libm.so.6"); // loads fine, but is not NVML
    EXPECT_FALSE(monitor.available());
    EXPECT_NE(monitor.unavailableReason().find("nvmlInit_v2"), std::string::npos)
        << monitor.unavailableReason();
    EXPECT_TRUE(monitor.sample().empty());
}

TEST(GpuMonitorTest, TheDefaultMonitorIsUnavailableOrConsistent) {
    GpuMonitor monitor;
    const std::vector<GpuUsage> gpus = monitor.sample();
    if (!monitor.available()) {
        EXPECT_FALSE(monitor.unavailableReason().empty());
        EXPECT_TRUE(gpus.empty());
        GTEST_SKIP() << monitor.unavailableReason();
    }
    EXPECT_TRUE(monitor.unavailableReason().empty());
    for (std::size_t i = 0; i < gpus.size(); ++i) {
        const GpuUsage& gpu = gpus[i];
        EXPECT_FALSE(gpu.name.empty());
        EXPECT_GE(gpu.index, 0);
        if (i > 0) {
            EXPECT_GT(gpu.index, gpus[i - 1].index);
        }
        EXPECT_GE(gpu.utilizationPercent, 0.0);
        EXPECT_LE(gpu.utilizationPercent, 100.0);
        EXPECT_GT(gpu.memoryTotalBytes, 0);
        EXPECT_GE(gpu.memoryUsedBytes, 0);
        EXPECT_LE(gpu.memoryUsedBytes, gpu.memoryTotalBytes);
    }
}

} // namespace
} // namespace kestrel::monitor
