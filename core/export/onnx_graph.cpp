#include "export/onnx_graph.h"

#include "common/error.h"
#include "common/version.h"
#include "export/onnx_writer.h"
#include "infer/model_metadata.h"
#include "models/layer_graph.h"

#include <fstream>
#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

namespace kestrel::exporting {

namespace {

using models::Activation;
using models::LayerNode;

void writeActivation(OnnxGraphBuilder& builder, Activation activation, const std::string& in,
                     const std::string& out) {
    switch (activation) {
    case Activation::ReLU:
        builder.node("Relu", {in}, out);
        return;
    case Activation::Sigmoid:
        builder.node("Sigmoid", {in}, out);
        return;
    case Activation::Hardsigmoid: {
        auto& node = builder.node("HardSigmoid", {in}, out);
        setFloat(node, "alpha", 1.0F / 6.0F); // torch: relu6(x + 3) / 6
        setFloat(node, "beta", 0.5F);
        return;
    }
    case Activation::Hardswish: { // x * hardsigmoid(x); HardSwish itself needs opset 14
        const std::string gate = builder.fresh(out + "_gate");
        auto& node = builder.node("HardSigmoid", {in}, gate);
        setFloat(node, "alpha", 1.0F / 6.0F);
        setFloat(node, "beta", 0.5F);
        builder.node("Mul", {in, gate}, out);
        return;
    }
    case Activation::SiLU: {
        const std::string gate = builder.fresh(out + "_gate");
        builder.node("Sigmoid", {in}, gate);
        builder.node("Mul", {in, gate}, out);
        return;
    }
    case Activation::None:
        builder.node("Identity", {in}, out);
        return;
    }
}

void setString(onnx::NodeProto& node, const std::string& name, const std::string& value) {
    auto* attribute = node.add_attribute();
    attribute->set_name(name);
    attribute->set_type(onnx::AttributeProto::STRING);
    attribute->set_s(value);
}

void writeAdaptivePool(OnnxGraphBuilder& builder, const models::ValueShape& in,
                       const LayerNode& node, const std::string& input, const std::string& out) {
    const int64_t oh = node.outputSize[0];
    const int64_t ow = node.outputSize[1];
    if (oh == 1 && ow == 1) {
        builder.node("GlobalAveragePool", {input}, out);
    } else if (in.height % oh == 0 && in.width % ow == 0) {
        auto& pool = builder.node("AveragePool", {input}, out);
        setInts(pool, "kernel_shape", {in.height / oh, in.width / ow});
        setInts(pool, "strides", {in.height / oh, in.width / ow});
    } else {
        // Uneven (overlapping) bins have no ONNX operator; they are two matrix products:
        // X (.. H x W) . Pw (W x ow), transposed, . Ph (H x oh), transposed back.
        const std::string pw = builder.initializer(builder.fresh(out + "_columns"), {in.width, ow},
                                                   models::adaptivePoolMatrix(in.width, ow));
        const std::string ph = builder.initializer(builder.fresh(out + "_rows"), {in.height, oh},
                                                   models::adaptivePoolMatrix(in.height, oh));
        const std::string columns = builder.fresh(out + "_by_columns");
        builder.node("MatMul", {input, pw}, columns);
        const std::string turned = builder.fresh(out + "_turned");
        setInts(builder.node("Transpose", {columns}, turned), "perm", {0, 1, 3, 2});
        const std::string rows = builder.fresh(out + "_by_rows");
        builder.node("MatMul", {turned, ph}, rows);
        setInts(builder.node("Transpose", {rows}, out), "perm", {0, 1, 3, 2});
    }
}

// Resize by constant scales (the sizes' ratios) with PyTorch's pixel centres, as torch.onnx
// writes interpolate(mode="bilinear", align_corners=False); OpenCV 4.6 reads the scales.
void writeResizeBilinear(OnnxGraphBuilder& builder, const models::ValueShape& in,
                         const LayerNode& node, const std::string& input, const std::string& out) {
    const std::string roi = builder.initializer(builder.fresh(out + "_roi"), {0}, {});
    const std::string scales = builder.initializer(
        builder.fresh(out + "_scales"), {4},
        {1.0F, 1.0F, static_cast<float>(node.outputSize[0]) / static_cast<float>(in.height),
         static_cast<float>(node.outputSize[1]) / static_cast<float>(in.width)});
    auto& resize = builder.node("Resize", {input, roi, scales}, out);
    setString(resize, "mode", "linear");
    setString(resize, "coordinate_transformation_mode", "pytorch_half_pixel");
}

// Nearest by whole multiples, as torch.onnx writes interpolate(mode="nearest"): source pixel
// floor(destination / scale).
void writeResizeNearest(OnnxGraphBuilder& builder, const models::ValueShape& in,
                        const LayerNode& node, const std::string& input, const std::string& out) {
    const std::string roi = builder.initializer(builder.fresh(out + "_roi"), {0}, {});
    const std::string scales = builder.initializer(
        builder.fresh(out + "_scales"), {4},
        {1.0F, 1.0F, static_cast<float>(node.outputSize[0]) / static_cast<float>(in.height),
         static_cast<float>(node.outputSize[1]) / static_cast<float>(in.width)});
    auto& resize = builder.node("Resize", {input, roi, scales}, out);
    setString(resize, "mode", "nearest");
    setString(resize, "coordinate_transformation_mode", "asymmetric");
    setString(resize, "nearest_mode", "floor");
}

// ONNX has no flip; X . J with J the n x n exchange matrix (ones on the anti-diagonal) reverses
// the last axis exactly, and OpenCV 4.6 runs MatMul with a constant (as for adaptive pooling).
void writeFlip(OnnxGraphBuilder& builder, const models::ValueShape& in, const LayerNode& node,
               const std::string& input, const std::string& out) {
    const int64_t n = node.axis == 3 ? in.width : in.height;
    std::vector<float> exchange(static_cast<std::size_t>(n * n), 0.0F);
    for (int64_t row = 0; row < n; ++row) {
        exchange[static_cast<std::size_t>(row * n + (n - 1 - row))] = 1.0F;
    }
    const std::string matrix =
        builder.initializer("exchange_" + std::to_string(n), {n, n}, exchange);
    if (node.axis == 3) {
        builder.node("MatMul", {input, matrix}, out);
        return;
    }
    const std::string turned = builder.fresh(out + "_turned");
    setInts(builder.node("Transpose", {input}, turned), "perm", {0, 1, 3, 2});
    const std::string flipped = builder.fresh(out + "_flipped");
    builder.node("MatMul", {turned, matrix}, flipped);
    setInts(builder.node("Transpose", {flipped}, out), "perm", {0, 1, 3, 2});
}

} // namespace

std::string OnnxGraphBuilder::initializer(const std::string& name, const std::vector<int64_t>& dims,
                                          const std::vector<float>& values) {
    if (!initializers_.insert(name).second) {
        return name;
    }
    auto* tensor = graph_.add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(onnx::TensorProto::FLOAT);
    for (const int64_t dim : dims) {
        tensor->add_dims(dim);
    }
    tensor->set_raw_data(values.data(), values.size() * sizeof(float));
    return name;
}

std::string OnnxGraphBuilder::initializer(const std::string& name, const at::Tensor& tensor) {
    if (initializers_.count(name) > 0) {
        return name;
    }
    const auto contiguous = tensor.to(at::kFloat).contiguous();
    const float* data = contiguous.data_ptr<float>();
    return initializer(name, contiguous.sizes().vec(),
                       std::vector<float>(data, data + contiguous.numel()));
}

std::string OnnxGraphBuilder::integers(const std::string& name,
                                       const std::vector<int64_t>& values) {
    auto* tensor = graph_.add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(onnx::TensorProto::INT64);
    tensor->add_dims(static_cast<int64_t>(values.size()));
    tensor->set_raw_data(values.data(), values.size() * sizeof(int64_t));
    return name;
}

onnx::NodeProto& OnnxGraphBuilder::node(const std::string& op,
                                        const std::vector<std::string>& inputs,
                                        const std::string& output) {
    auto* node = graph_.add_node();
    node->set_op_type(op);
    node->set_name(output + "_" + op);
    for (const auto& input : inputs) {
        node->add_input(input);
    }
    node->add_output(output);
    return *node;
}

void setInts(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values) {
    auto* attribute = node.add_attribute();
    attribute->set_name(name);
    attribute->set_type(onnx::AttributeProto::INTS);
    for (const int64_t value : values) {
        attribute->add_ints(value);
    }
}

void setInt(onnx::NodeProto& node, const std::string& name, int64_t value) {
    auto* attribute = node.add_attribute();
    attribute->set_name(name);
    attribute->set_type(onnx::AttributeProto::INT);
    attribute->set_i(value);
}

void setFloat(onnx::NodeProto& node, const std::string& name, float value) {
    auto* attribute = node.add_attribute();
    attribute->set_name(name);
    attribute->set_type(onnx::AttributeProto::FLOAT);
    attribute->set_f(value);
}

void setTensorType(onnx::ValueInfoProto& value, const std::string& name,
                   const std::vector<int64_t>& dims) {
    value.set_name(name);
    auto* type = value.mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto::FLOAT);
    auto* shape = type->mutable_shape();
    shape->add_dim()->set_dim_param("batch");
    for (const int64_t dim : dims) {
        shape->add_dim()->set_dim_value(dim);
    }
}

std::string valueName(int index) {
    return index == models::LayerGraph::kInput ? "normalized" : "v" + std::to_string(index);
}

void writeNodes(OnnxGraphBuilder& builder, const models::LayerGraph& graph) {
    const auto& nodes = graph.nodes();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const LayerNode& node = nodes[i];
        const int index = static_cast<int>(i) + 1;
        const std::string out = valueName(index);
        const std::string in = valueName(node.inputs.at(0));
        const std::string prefix = node.name.empty() ? out : node.name;
        switch (node.op) {
        case LayerNode::Op::Conv: {
            auto& conv = builder.node("Conv",
                                      {in, builder.initializer(prefix + ".weight", node.weight),
                                       builder.initializer(prefix + ".bias", node.bias)},
                                      out);
            setInts(conv, "kernel_shape", {node.kernel, node.kernel});
            setInts(conv, "strides", {node.stride, node.stride});
            setInts(conv, "pads", {node.padding, node.padding, node.padding, node.padding});
            setInts(conv, "dilations", {node.dilation, node.dilation});
            setInt(conv, "group", node.groups);
            break;
        }
        case LayerNode::Op::Activation:
            writeActivation(builder, node.activation, in, out);
            break;
        case LayerNode::Op::MaxPool: {
            auto& pool = builder.node("MaxPool", {in}, out);
            setInts(pool, "kernel_shape", {node.kernel, node.kernel});
            setInts(pool, "strides", {node.stride, node.stride});
            setInts(pool, "pads", {node.padding, node.padding, node.padding, node.padding});
            break;
        }
        case LayerNode::Op::AdaptiveAvgPool:
            writeAdaptivePool(builder, graph.shape(node.inputs.at(0)), node, in, out);
            break;
        case LayerNode::Op::Flatten:
            setInt(builder.node("Flatten", {in}, out), "axis", 1);
            break;
        case LayerNode::Op::Linear:
            setInt(builder.node("Gemm",
                                {in, builder.initializer(prefix + ".weight", node.weight),
                                 builder.initializer(prefix + ".bias", node.bias)},
                                out),
                   "transB", 1);
            break;
        case LayerNode::Op::Add:
            builder.node("Add", {in, valueName(node.inputs.at(1))}, out);
            break;
        case LayerNode::Op::Mul:
            // The broadcast gate first: OpenCV 4.6 computes X * gate wrongly when gate is
            // N x C x 1 x 1, and gate * X correctly.
            builder.node("Mul", {valueName(node.inputs.at(1)), in}, out);
            break;
        case LayerNode::Op::ConvTranspose: {
            auto& conv = builder.node("ConvTranspose",
                                      {in, builder.initializer(prefix + ".weight", node.weight),
                                       builder.initializer(prefix + ".bias", node.bias)},
                                      out);
            setInts(conv, "kernel_shape", {node.kernel, node.kernel});
            setInts(conv, "strides", {node.stride, node.stride});
            setInts(conv, "pads", {0, 0, 0, 0});
            setInts(conv, "dilations", {1, 1});
            setInt(conv, "group", 1);
            break;
        }
        case LayerNode::Op::Concat:
            setInt(builder.node("Concat", {in, valueName(node.inputs.at(1))}, out), "axis",
                   node.axis);
            break;
        case LayerNode::Op::ResizeNearest:
            writeResizeNearest(builder, graph.shape(node.inputs.at(0)), node, in, out);
            break;
        case LayerNode::Op::FlattenCells: {
            // 0 keeps the batch; OpenCV 4.6 reads Reshape's shape from a constant.
            const models::ValueShape& shape = graph.shape(index);
            builder.node("Reshape",
                         {in, builder.integers(builder.fresh(out + "_shape"),
                                               {0, shape.channels, shape.height, 1})},
                         out);
            break;
        }
        case LayerNode::Op::ResizeBilinear:
            writeResizeBilinear(builder, graph.shape(node.inputs.at(0)), node, in, out);
            break;
        case LayerNode::Op::Flip:
            writeFlip(builder, graph.shape(node.inputs.at(0)), node, in, out);
            break;
        case LayerNode::Op::Scale:
            builder.node("Mul",
                         {in, builder.initializer(builder.fresh(out + "_factor"), {1},
                                                  {static_cast<float>(node.factor)})},
                         out);
            break;
        }
    }
}

void describeOnnxModel(onnx::ModelProto& model, const infer::ModelMetadata& metadata,
                       const std::string& doc) {
    model.set_ir_version(7); // what opset 13 pairs with
    model.set_producer_name("Kestrel");
    model.set_producer_version(kestrelVersion());
    model.set_doc_string(doc);
    auto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(kOnnxOpset);
    auto* property = model.add_metadata_props();
    property->set_key(infer::kMetadataKey);
    property->set_value(infer::toJson(metadata));
    onnx::GraphProto& proto = *model.mutable_graph();
    proto.set_name("kestrel_" + metadata.model);
    setTensorType(*proto.add_input(), "images",
                  {metadata.channels, metadata.height, metadata.width});
}

void writeInputNormalisation(OnnxGraphBuilder& builder, const infer::ModelMetadata& metadata) {
    const auto asFloats = [](const std::vector<double>& values) {
        return std::vector<float>(values.begin(), values.end());
    };
    // (images - mean) / std as a batch norm with unit scale: OpenCV 4.6 mishandles Sub, Add
    // and Mul with a per-channel constant once the batch has more than one image.
    std::vector<double> variance;
    for (const double value : metadata.std) {
        variance.push_back(value * value);
    }
    const std::vector<int64_t> channels = {metadata.channels};
    const auto filled = [&](float value) {
        return std::vector<float>(static_cast<size_t>(metadata.channels), value);
    };
    auto& normalize =
        builder.node("BatchNormalization",
                     {"images", builder.initializer("input_scale", channels, filled(1.0F)),
                      builder.initializer("input_shift", channels, filled(0.0F)),
                      builder.initializer("input_mean", channels, asFloats(metadata.mean)),
                      builder.initializer("input_variance", channels, asFloats(variance))},
                     valueName(models::LayerGraph::kInput));
    setFloat(normalize, "epsilon", 0.0F);
}

void checkAndWriteOnnx(const onnx::ModelProto& model, const std::filesystem::path& file) {
    try {
        onnx::checker::check_model(model);
        // Strict inference also fails when the inferred output shapes differ from the
        // declared ones.
        onnx::ModelProto inferred = model;
        onnx::ShapeInferenceOptions options;
        options.check_type = true;
        options.error_mode = 1;
        onnx::shape_inference::InferShapes(inferred, onnx::OpSchemaRegistry::Instance(), options);
    } catch (const std::exception& error) {
        throw Error(ErrorKind::InvalidArgument, "The ONNX model for " + file.string() +
                                                    " failed onnx's checker: " + error.what());
    }
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out || !model.SerializeToOstream(&out) || !out.flush()) {
        throw Error(ErrorKind::Io, "Could not write the ONNX model " + file.string() + ".");
    }
}

} // namespace kestrel::exporting
