#include "anomaly/optimised_stages.h"

#include "models/layer_graph.h"
#include "models/layer_graph_script.h"
#include "models/resnet.h"

#include <string>

#include <ATen/core/ivalue.h>
#include <c10/core/GradMode.h>
#include <torch/csrc/jit/api/module.h>

namespace kestrel::anomaly {

struct OptimisedStages::State {
    torch::jit::Module module;
};

OptimisedStages::OptimisedStages(const models::ResNet& backbone, std::int64_t channels,
                                 std::int64_t imageSize, int lastStage)
    : state_(std::make_unique<State>()) {
    models::LayerGraph graph(backbone, {channels, imageSize, imageSize});
    const auto outputs = backbone.appendStages(graph, lastStage);
    torch::jit::Module module(c10::QualifiedName("__torch__.kestrel.BackboneStages"));
    models::registerGraphTensors(module, graph);
    std::string values;
    for (const int output : outputs) {
        values += (values.empty() ? "" : ", ") + models::scriptValue(output);
    }
    module.define("def forward(self, x):\n" + models::graphStatements(graph) + "    return [" +
                  values + "]\n");
    module.eval();
    state_->module = torch::jit::optimize_for_inference(module);
}

OptimisedStages::~OptimisedStages() = default;

std::vector<at::Tensor> OptimisedStages::operator()(const at::Tensor& images) {
    const c10::NoGradGuard noGrad;
    const auto result = state_->module.forward({images});
    std::vector<at::Tensor> stages;
    for (const auto& value : result.toListRef()) {
        stages.push_back(value.toTensor());
    }
    return stages;
}

} // namespace kestrel::anomaly
