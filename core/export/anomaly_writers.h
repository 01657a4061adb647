#pragma once

#include <filesystem>

namespace kestrel::anomaly {
class AnomalyModel;
}

namespace kestrel::infer {
struct ModelMetadata;
}

namespace kestrel::exporting {

// A fitted anomaly detector as TorchScript and as ONNX (opset 13, what OpenCV 4.6 runs). Both
// take float32 images N x C x H x W in [0, 1], normalise inside, and return "score" (N) and
// "map" (N x 1 x H x W), normalised so 0.5 is the threshold, with the memory bank or the
// Gaussians inside. They compute what AnomalyModel::score and normalise do, in the same
// formulation (matrix products for resampling and nearest neighbours, exponential weights for
// the k-NN reweighting), so the verification can hold them to a tight tolerance.
// Throws kestrel::Error naming `file` when it cannot be written (ONNX: or fails onnx's checks,
// or would pass protobuf's 2 GiB limit).
void writeAnomalyTorchScript(anomaly::AnomalyModel& model, const infer::ModelMetadata& metadata,
                             const std::filesystem::path& file);
void writeAnomalyOnnx(anomaly::AnomalyModel& model, const infer::ModelMetadata& metadata,
                      const std::filesystem::path& file);

} // namespace kestrel::exporting
