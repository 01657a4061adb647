#pragma once

#include "common/task_kind.h"

#include <string>
#include <vector>

namespace kestrel::train {

// What a training form offers, without LibTorch in the header: the window's glue includes it.
struct ModelOption {
    std::string name;
    std::string description;
    int defaultImageSize = 224;
    int minImageSize = 32;
    int sizeMultiple = 1; // the input's sides must be multiples of this
};

struct DeviceOption {
    std::string id;    // "cpu", "cuda:0"
    std::string label; // for people
    bool cuda = false;
};

// The architectures `task` trains (classification: the classifiers; segmentation: the
// per-pixel models).
std::vector<ModelOption> availableModels(TaskKind task = TaskKind::Classification);
// The CPU, then each CUDA device this LibTorch build can use.
std::vector<DeviceOption> availableDevices();

} // namespace kestrel::train
