#include "train/available_choices.h"

#include "models/architectures.h"

#include <thread>

#include <torch/cuda.h>

namespace kestrel::train {

std::vector<ModelOption> availableModels(TaskKind task) {
    std::vector<ModelOption> options;
    const auto& infos = task == TaskKind::Segmentation ? models::segmentationArchitectures()
                        : task == TaskKind::Detection  ? models::detectionArchitectures()
                                                       : models::architectures();
    for (const auto& info : infos) {
        options.push_back({info.name, info.description, info.defaultImageSize, info.minImageSize,
                           info.sizeMultiple});
    }
    return options;
}

std::vector<DeviceOption> availableDevices() {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    std::vector<DeviceOption> devices = {
        {"cpu", "CPU (" + std::to_string(cores) + " cores)", false}};
    // device_count() is a size_t in LibTorch 1.13 and an int in 2.x.
    const int count =
        torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
    for (int index = 0; index < count; ++index) {
        const std::string id = "cuda:" + std::to_string(index);
        devices.push_back({id, "CUDA GPU " + std::to_string(index) + " (" + id + ")", true});
    }
    return devices;
}

} // namespace kestrel::train
