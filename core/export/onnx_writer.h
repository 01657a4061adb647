#pragma once

#include <filesystem>

namespace kestrel::models {
class LayerGraph;
}

namespace kestrel::infer {
struct ModelMetadata;
}

namespace kestrel::exporting {

// The ONNX opset written: 13 is what OpenCV 4.6's importer (Debian 12) reads completely.
inline constexpr int kOnnxOpset = 13;

// Writes `graph` as an ONNX model with the same contract as the TorchScript export: input
// "images" (float32, batch x C x H x W in [0, 1], the batch dimension dynamic), normalisation
// inside, output "probabilities" (batch x K, or batch x K x H x W when the graph ends in
// maps: per-pixel classes). The metadata goes into metadata_props under
// "metadata.json". The model is checked with onnx::checker and its output shape inferred
// before it is written.
// Throws kestrel::Error naming `file` when the check fails or the file cannot be written.
void writeOnnx(const models::LayerGraph& graph, const infer::ModelMetadata& metadata,
               const std::filesystem::path& file);

} // namespace kestrel::exporting
