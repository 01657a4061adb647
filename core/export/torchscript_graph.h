#pragma once

// The pieces both TorchScript writers (classifiers, anomaly detectors) generate their modules
// from: a layer graph's tensors and statements, the input check and normalisation, and saving
// with the metadata.

#include <filesystem>
#include <string>

namespace torch::jit {
struct Module;
}

namespace kestrel::models {
class LayerGraph;
}

namespace kestrel::infer {
struct ModelMetadata;
}

namespace kestrel::exporting {

// The TorchScript variable of a layer graph's value: "x" for its input, else "v<index>".
std::string scriptValue(int index);

// Registers the graph's weights (channels-last) and pooling matrices on `module`.
void registerGraphTensors(torch::jit::Module& module, const models::LayerGraph& graph);
// One statement per node ("    v3 = torch.conv2d(...)\n"), reading scriptValue(kInput).
std::string graphStatements(const models::LayerGraph& graph);

// Registers the normalisation buffers; `inputStatements` opens forward(self, images): it
// checks the input's shape and normalises it into scriptValue(kInput), channels-last.
void registerNormalisation(torch::jit::Module& module, const infer::ModelMetadata& metadata);
std::string inputStatements(const infer::ModelMetadata& metadata);

// Saves `module` with the metadata as its extra file "metadata.json".
// Throws kestrel::Error (Io) naming `file` when it cannot be written.
void saveTorchScript(torch::jit::Module& module, const infer::ModelMetadata& metadata,
                     const std::filesystem::path& file);

} // namespace kestrel::exporting
