#pragma once

// The pieces both ONNX writers (classifiers, anomaly detectors) build their graphs from:
// a graph builder, attribute setters, the layer graph's nodes and the input normalisation,
// and the checks every file passes before it is written.

#include <cstdint>
#include <filesystem>
#include <onnx/onnx_pb.h>
#include <set>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace kestrel::models {
class LayerGraph;
}

namespace kestrel::infer {
struct ModelMetadata;
}

namespace kestrel::exporting {

// Builds the graph proto: names values, adds initialisers and nodes.
class OnnxGraphBuilder {
public:
    explicit OnnxGraphBuilder(onnx::GraphProto& graph) : graph_(graph) {}

    // A name given before returns at once: a copied graph's nodes reuse the first's weights
    // under the same names (LayerGraph::appendCopy).
    std::string initializer(const std::string& name, const std::vector<int64_t>& dims,
                            const std::vector<float>& values);
    std::string initializer(const std::string& name, const at::Tensor& tensor);
    // An int64 tensor (Reshape's shape).
    std::string integers(const std::string& name, const std::vector<int64_t>& values);
    onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                          const std::string& output);
    std::string fresh(const std::string& stem) { return stem + "_" + std::to_string(++counter_); }

private:
    onnx::GraphProto& graph_;
    int counter_ = 0;
    std::set<std::string> initializers_;
};

void setInts(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values);
void setInt(onnx::NodeProto& node, const std::string& name, int64_t value);
void setFloat(onnx::NodeProto& node, const std::string& name, float value);

// A float32 value with a dynamic first dimension "batch" followed by `dims`.
void setTensorType(onnx::ValueInfoProto& value, const std::string& name,
                   const std::vector<int64_t>& dims);

// The ONNX name of a layer graph's value: "normalized" for its input, else "v<index>".
std::string valueName(int index);

// Kestrel's producer, opset, doc string and metadata on `model`, and its input "images"
// (batch x C x H x W).
void describeOnnxModel(onnx::ModelProto& model, const infer::ModelMetadata& metadata,
                       const std::string& doc);
// (images - mean) / std into valueName(kInput).
void writeInputNormalisation(OnnxGraphBuilder& builder, const infer::ModelMetadata& metadata);
// The graph's nodes, reading valueName(kInput).
void writeNodes(OnnxGraphBuilder& builder, const models::LayerGraph& graph);

// Runs onnx's checker and strict shape inference, then writes `model` to `file`.
// Throws kestrel::Error naming `file` when a check fails or it cannot be written.
void checkAndWriteOnnx(const onnx::ModelProto& model, const std::filesystem::path& file);

} // namespace kestrel::exporting
