#pragma once

#include <filesystem>

namespace kestrel::models {
class LayerGraph;
}

namespace kestrel::infer {
struct ModelMetadata;
}

namespace kestrel::exporting {

// Writes `graph` as a TorchScript archive loadable by torch.jit.load and torch::jit::load:
// forward(images) takes float32 N x C x H x W in [0, 1] at the metadata's size, normalises
// inside, and returns N x K class probabilities (N x K x H x W, contiguous, when the graph
// ends in maps). The metadata travels as the extra file
// "metadata.json". The module's source is generated from the graph, so it needs no Python.
// Throws kestrel::Error (Io) naming `file` when it cannot be written.
void writeTorchScript(const models::LayerGraph& graph, const infer::ModelMetadata& metadata,
                      const std::filesystem::path& file);

} // namespace kestrel::exporting
