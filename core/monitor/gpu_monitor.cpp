#include "monitor/gpu_monitor.h"

#include <cstring>
#include <dlfcn.h>

namespace kestrel::monitor {
namespace {

// The few parts of NVML's C ABI used here, as documented in nvml.h, declared locally so that
// building needs neither the CUDA toolkit nor the driver.
using NvmlReturn = int; // nvmlReturn_t; 0 is NVML_SUCCESS
struct NvmlDeviceOpaque;
using NvmlDevice = NvmlDeviceOpaque*; // nvmlDevice_t
struct NvmlUtilization {
    unsigned int gpu;
    unsigned int memory;
};
struct NvmlMemory {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};
constexpr NvmlReturn nvmlSuccess = 0;
constexpr int nvmlTemperatureGpu = 0;       // NVML_TEMPERATURE_GPU
constexpr unsigned int nvmlNameBuffer = 96; // NVML_DEVICE_NAME_V2_BUFFER_SIZE

using InitFn = NvmlReturn (*)();
using ShutdownFn = NvmlReturn (*)();
using ErrorStringFn = const char* (*)(NvmlReturn);
using GetCountFn = NvmlReturn (*)(unsigned int*);
using GetHandleFn = NvmlReturn (*)(unsigned int, NvmlDevice*);
using GetNameFn = NvmlReturn (*)(NvmlDevice, char*, unsigned int);
using GetUtilizationFn = NvmlReturn (*)(NvmlDevice, NvmlUtilization*);
using GetMemoryFn = NvmlReturn (*)(NvmlDevice, NvmlMemory*);
using GetTemperatureFn = NvmlReturn (*)(NvmlDevice, int, unsigned int*);

// dlsym returns an object pointer; copying its bits is the portable way to a function pointer.
template <typename Fn>
Fn lookUp(void* library, const char* symbol) {
    void* address = ::dlsym(library, symbol);
    Fn function = nullptr;
    static_assert(sizeof(function) == sizeof(address), "function and object pointers differ");
    std::memcpy(&function, &address, sizeof(function));
    return function;
}

} // namespace

struct GpuMonitor::Nvml {
    void* library = nullptr;
    bool initialized = false;
    InitFn init = nullptr;
    ShutdownFn shutdown = nullptr;
    ErrorStringFn errorString = nullptr; // optional
    GetCountFn getCount = nullptr;
    GetHandleFn getHandle = nullptr;
    GetNameFn getName = nullptr;
    GetUtilizationFn getUtilization = nullptr;
    GetMemoryFn getMemory = nullptr;
    GetTemperatureFn getTemperature = nullptr; // optional

    ~Nvml() {
        if (initialized) {
            shutdown();
        }
        if (library != nullptr) {
            ::dlclose(library);
        }
    }

    std::string describe(NvmlReturn code) const {
        const char* text = errorString != nullptr ? errorString(code) : nullptr;
        return (text != nullptr ? std::string(text) : std::string("unknown error")) +
               " (NVML code " + std::to_string(code) + ")";
    }
};

GpuMonitor::GpuMonitor() : GpuMonitor("libnvidia-ml.so.1") {}

GpuMonitor::GpuMonitor(const std::string& libraryName) {
    auto nvml = std::make_unique<Nvml>();
    nvml->library = ::dlopen(libraryName.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (nvml->library == nullptr) {
        unavailableReason_ = "NVIDIA driver library " + libraryName +
                             " not found; GPU use cannot be shown without the NVIDIA driver.";
        return;
    }
    struct Required {
        const char* symbol;
        bool found;
    };
    nvml->init = lookUp<InitFn>(nvml->library, "nvmlInit_v2");
    nvml->shutdown = lookUp<ShutdownFn>(nvml->library, "nvmlShutdown");
    nvml->getCount = lookUp<GetCountFn>(nvml->library, "nvmlDeviceGetCount_v2");
    nvml->getHandle = lookUp<GetHandleFn>(nvml->library, "nvmlDeviceGetHandleByIndex_v2");
    nvml->getName = lookUp<GetNameFn>(nvml->library, "nvmlDeviceGetName");
    nvml->getUtilization = lookUp<GetUtilizationFn>(nvml->library, "nvmlDeviceGetUtilizationRates");
    nvml->getMemory = lookUp<GetMemoryFn>(nvml->library, "nvmlDeviceGetMemoryInfo");
    nvml->errorString = lookUp<ErrorStringFn>(nvml->library, "nvmlErrorString");
    nvml->getTemperature = lookUp<GetTemperatureFn>(nvml->library, "nvmlDeviceGetTemperature");
    const Required required[] = {
        {"nvmlInit_v2", nvml->init != nullptr},
        {"nvmlShutdown", nvml->shutdown != nullptr},
        {"nvmlDeviceGetCount_v2", nvml->getCount != nullptr},
        {"nvmlDeviceGetHandleByIndex_v2", nvml->getHandle != nullptr},
        {"nvmlDeviceGetName", nvml->getName != nullptr},
        {"nvmlDeviceGetUtilizationRates", nvml->getUtilization != nullptr},
        {"nvmlDeviceGetMemoryInfo", nvml->getMemory != nullptr},
    };
    for (const auto& function : required) {
        if (!function.found) {
            unavailableReason_ = "NVIDIA driver library " + libraryName + " lacks " +
                                 function.symbol + "; the driver may be too old.";
            return;
        }
    }
    const NvmlReturn initialized = nvml->init();
    if (initialized != nvmlSuccess) {
        unavailableReason_ = "NVIDIA driver library " + libraryName +
                             " could not start: " + nvml->describe(initialized) + ".";
        return;
    }
    nvml->initialized = true;
    unsigned int count = 0;
    const NvmlReturn counted = nvml->getCount(&count);
    if (counted != nvmlSuccess) {
        unavailableReason_ =
            "The NVIDIA driver could not count the GPUs: " + nvml->describe(counted) + ".";
        return;
    }
    if (count == 0) {
        unavailableReason_ = "The NVIDIA driver is installed but reports no GPU.";
        return;
    }
    nvml_ = std::move(nvml);
}

GpuMonitor::~GpuMonitor() = default;

bool GpuMonitor::available() const {
    return nvml_ != nullptr;
}

std::string GpuMonitor::unavailableReason() const {
    return unavailableReason_;
}

std::vector<GpuUsage> GpuMonitor::sample() {
    std::vector<GpuUsage> gpus;
    if (!nvml_) {
        return gpus;
    }
    unsigned int count = 0;
    if (nvml_->getCount(&count) != nvmlSuccess) {
        return gpus;
    }
    for (unsigned int index = 0; index < count; ++index) {
        NvmlDevice device = nullptr;
        char name[nvmlNameBuffer] = {};
        NvmlUtilization utilization{};
        NvmlMemory memory{};
        // A GPU that fell off the bus or sits behind a MIG partition fails some of these;
        // the others are still worth showing.
        if (nvml_->getHandle(index, &device) != nvmlSuccess ||
            nvml_->getName(device, name, nvmlNameBuffer) != nvmlSuccess ||
            nvml_->getUtilization(device, &utilization) != nvmlSuccess ||
            nvml_->getMemory(device, &memory) != nvmlSuccess) {
            continue;
        }
        GpuUsage gpu;
        gpu.index = static_cast<int>(index);
        gpu.name = std::string(name, ::strnlen(name, nvmlNameBuffer));
        gpu.utilizationPercent = utilization.gpu;
        gpu.memoryUsedBytes = static_cast<std::int64_t>(memory.used);
        gpu.memoryTotalBytes = static_cast<std::int64_t>(memory.total);
        unsigned int celsius = 0;
        if (nvml_->getTemperature != nullptr &&
            nvml_->getTemperature(device, nvmlTemperatureGpu, &celsius) == nvmlSuccess) {
            gpu.temperatureCelsius = static_cast<int>(celsius);
        }
        gpus.push_back(std::move(gpu));
    }
    return gpus;
}

} // namespace kestrel::monitor
