#include "export/torchscript_writer.h"

#include "export/torchscript_graph.h"
#include "infer/model_metadata.h"
#include "models/layer_graph.h"
#include "models/layer_graph_script.h"
#include "tasks/task.h"

#include <sstream>

#include <torch/csrc/jit/api/module.h>

namespace kestrel::exporting {

void writeTorchScript(const models::LayerGraph& graph, const infer::ModelMetadata& metadata,
                      const std::filesystem::path& file) {
    torch::jit::Module module(c10::QualifiedName("__torch__.kestrel.Classifier"));
    registerNormalisation(module, metadata);
    models::registerGraphTensors(module, graph);
    std::ostringstream source;
    source << "def forward(self, images: Tensor) -> Tensor:\n"
           << inputStatements(metadata) << models::graphStatements(graph);
    switch (tasks::taskFor(metadata.task).exportHead().activation) {
    case tasks::ExportHead::Activation::Softmax:
        // Over axis 1, the classes, also per pixel of N x K x H x W maps; those are returned
        // in plain NCHW order rather than the graph's channels-last.
        source << "    return torch.softmax(" << models::scriptValue(graph.output()) << ", 1)"
               << (graph.shape(graph.output()).spatial() ? ".contiguous()" : "") << "\n";
        break;
    case tasks::ExportHead::Activation::None:
        source << "    return " << models::scriptValue(graph.output()) << ".contiguous()\n";
        break;
    }
    module.define(source.str());
    saveTorchScript(module, metadata, file);
}

} // namespace kestrel::exporting
