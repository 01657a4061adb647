#include "models/device.h"

#include "common/error.h"

#include <torch/cuda.h>

namespace kestrel::models {

std::string resolveDevice(const std::string& name) {
    if (name == "cpu") {
        return "cpu";
    }
    const bool cuda = torch::cuda::is_available();
    if (name == "auto") {
        return cuda ? "cuda:0" : "cpu";
    }
    if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
        if (!cuda) {
            throw Error(ErrorKind::InvalidArgument,
                        "--device " + name +
                            " asks for CUDA, but this LibTorch build or machine has no usable "
                            "NVIDIA GPU; use --device cpu.");
        }
        const int index = name == "cuda" ? 0 : std::stoi(name.substr(5));
        if (index < 0 || index >= static_cast<int>(torch::cuda::device_count())) {
            throw Error(ErrorKind::InvalidArgument,
                        "--device " + name + ": there are only " +
                            std::to_string(torch::cuda::device_count()) + " CUDA devices.");
        }
        return "cuda:" + std::to_string(index);
    }
    throw Error(ErrorKind::InvalidArgument,
                "Unknown device \"" + name + "\"; use auto, cpu, cuda or cuda:N.");
}

} // namespace kestrel::models
