#pragma once

// A layer graph as TorchScript: its tensors registered on a module and one statement per node.
// The exporters build their modules from it, and anomaly detection its oneDNN-optimised
// backbone (anomaly/optimised_stages.h).

#include <string>

namespace torch::jit {
struct Module;
}

namespace kestrel::models {

class LayerGraph;

// The TorchScript variable of a layer graph's value: "x" for its input, else "v<index>".
std::string scriptValue(int index);

// Registers the graph's weights (channels-last) and pooling matrices on `module`.
void registerGraphTensors(torch::jit::Module& module, const LayerGraph& graph);
// One statement per node ("    v3 = torch.conv2d(...)\n"), reading scriptValue(kInput).
std::string graphStatements(const LayerGraph& graph);

} // namespace kestrel::models
