#pragma once

#include <string>
#include <vector>

namespace kestrel::train {

// What a training form offers, without LibTorch in the header: the window's glue includes it.
struct ModelOption {
    std::string name;
    std::string description;
    int defaultImageSize = 224;
    int minImageSize = 32;
};

struct DeviceOption {
    std::string id;    // "cpu", "cuda:0"
    std::string label; // for people
    bool cuda = false;
};

std::vector<ModelOption> availableModels();
// The CPU, then each CUDA device this LibTorch build can use.
std::vector<DeviceOption> availableDevices();

} // namespace kestrel::train
