#pragma once

#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

namespace kestrel::models {

// Turns loader batches (float [0, 1], N x C x H x W, on the host) into what a model takes:
// on its device, normalised per channel, and in channels-last layout when asked.
class ModelInput {
public:
    ModelInput(const std::vector<double>& mean, const std::vector<double>& std, c10::Device device,
               bool channelsLast);
    at::Tensor operator()(const at::Tensor& images) const;
    const c10::Device& device() const { return device_; }

private:
    c10::Device device_;
    bool channelsLast_;
    at::Tensor mean_; // 1 x C x 1 x 1, on device_
    at::Tensor inverseStd_;
};

} // namespace kestrel::models
