#include "export/onnx_writer.h"

#include "export/onnx_graph.h"
#include "infer/model_metadata.h"
#include "models/layer_graph.h"
#include "tasks/task.h"

namespace kestrel::exporting {

void writeOnnx(const models::LayerGraph& graph, const infer::ModelMetadata& metadata,
               const std::filesystem::path& file) {
    onnx::ModelProto model;
    const tasks::ExportHead head = tasks::taskFor(metadata.task).exportHead();
    describeOnnxModel(model, metadata,
                      "Kestrel " + metadata.model + " " + toString(metadata.task) + " model, run " +
                          std::to_string(metadata.run) + ": images in [0, 1], " + head.description +
                          " out.");
    onnx::GraphProto& proto = *model.mutable_graph();
    // N x K, or per pixel N x K x H x W (segmentation); Softmax over axis 1 is over the
    // classes either way. Detection: N x (K + 5) x cells x 1.
    const models::ValueShape& logits = graph.shape(graph.output());
    std::vector<int64_t> outputDims = {logits.channels};
    if (logits.spatial()) {
        outputDims.insert(outputDims.end(), {logits.height, logits.width});
    }
    setTensorType(*proto.add_output(), head.outputName, outputDims);
    OnnxGraphBuilder builder(proto);
    writeInputNormalisation(builder, metadata);
    writeNodes(builder, graph);
    switch (head.activation) {
    case tasks::ExportHead::Activation::Softmax:
        setInt(builder.node("Softmax", {valueName(graph.output())}, head.outputName), "axis", 1);
        break;
    case tasks::ExportHead::Activation::None:
        builder.node("Identity", {valueName(graph.output())}, head.outputName);
        break;
    }
    checkAndWriteOnnx(model, file);
}

} // namespace kestrel::exporting
