#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kestrel::monitor {

// One NVIDIA GPU at the moment of sampling.
struct GpuUsage {
    int index = 0; // NVML's device index (the order nvidia-smi lists them in)
    std::string name;
    double utilizationPercent = 0; // share of the last sample period a kernel was running
    std::int64_t memoryUsedBytes = 0;
    std::int64_t memoryTotalBytes = 0;
    std::optional<int> temperatureCelsius; // empty where the board does not report it
};

// Reads NVIDIA GPU use through NVML, which the driver installs as libnvidia-ml.so.1. The
// library is opened at run time, so Kestrel builds and runs on machines without a driver: the
// monitor is then unavailable and says why. Nothing here throws.
class GpuMonitor {
public:
    GpuMonitor();
    // `libraryName` as given to dlopen: a file name searched the usual way, or a path.
    explicit GpuMonitor(const std::string& libraryName);
    ~GpuMonitor();
    GpuMonitor(const GpuMonitor&) = delete;
    GpuMonitor& operator=(const GpuMonitor&) = delete;

    bool available() const;
    // One sentence for the user; empty when available.
    std::string unavailableReason() const;
    // Every GPU whose queries succeed, by index; empty when unavailable.
    std::vector<GpuUsage> sample();

private:
    struct Nvml; // the opened library and its function pointers
    std::unique_ptr<Nvml> nvml_;
    std::string unavailableReason_;
};

} // namespace kestrel::monitor
