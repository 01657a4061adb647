#include "models/model_input.h"

#include <ATen/ATen.h>

namespace kestrel::models {

namespace {

at::Tensor perChannel(const std::vector<double>& values, c10::Device device) {
    std::vector<float> floats(values.begin(), values.end());
    return at::tensor(floats, at::kFloat).view({1, -1, 1, 1}).to(device);
}

} // namespace

ModelInput::ModelInput(const std::vector<double>& mean, const std::vector<double>& std,
                       c10::Device device, bool channelsLast)
    : device_(device), channelsLast_(channelsLast), mean_(perChannel(mean, device)),
      inverseStd_(perChannel(std, device).reciprocal()) {}

at::Tensor ModelInput::operator()(const at::Tensor& images) const {
    // Pinned host batches copy asynchronously; the normalisation then runs on the device.
    at::Tensor x = images.to(device_, /*non_blocking=*/images.is_pinned());
    x = (x - mean_) * inverseStd_;
    if (channelsLast_) {
        x = x.contiguous(at::MemoryFormat::ChannelsLast);
    }
    return x;
}

} // namespace kestrel::models
