#pragma once

// The pieces both TorchScript writers (classifiers, anomaly detectors) share beside the layer
// graph's own script (models/layer_graph_script.h): the input check and normalisation, and
// saving with the metadata.

#include <filesystem>
#include <string>

namespace torch::jit {
struct Module;
}

namespace kestrel::infer {
struct ModelMetadata;
}

namespace kestrel::exporting {

// Registers the normalisation buffers; `inputStatements` opens forward(self, images): it
// checks the input's shape and normalises it into scriptValue(kInput), channels-last.
void registerNormalisation(torch::jit::Module& module, const infer::ModelMetadata& metadata);
std::string inputStatements(const infer::ModelMetadata& metadata);

// Saves `module` with the metadata as its extra file "metadata.json".
// Throws kestrel::Error (Io) naming `file` when it cannot be written.
void saveTorchScript(torch::jit::Module& module, const infer::ModelMetadata& metadata,
                     const std::filesystem::path& file);

} // namespace kestrel::exporting
