#include "models/layer_graph_script.h"

#include "models/layer_graph.h"

#include <iomanip>
#include <limits>
#include <sstream>

#include <ATen/ops/tensor.h>
#include <torch/csrc/jit/api/module.h>

namespace kestrel::models {

namespace {

// TorchScript attribute names are identifiers: "layer1.0.conv1" becomes "layer1_0_conv1".
std::string attributeName(const LayerNode& node, int index, const char* suffix) {
    std::string name = node.name.empty() ? "layer" + std::to_string(index) : node.name;
    for (char& c : name) {
        c = (c == '.') ? '_' : c;
    }
    return "p_" + name + "_" + suffix;
}

std::string pair(int64_t n) {
    return "[" + std::to_string(n) + ", " + std::to_string(n) + "]";
}

std::string activationCall(Activation activation, const std::string& input) {
    switch (activation) {
    case Activation::ReLU:
        return "torch.relu(" + input + ")";
    case Activation::Hardswish:
        return "torch.hardswish(" + input + ")";
    case Activation::SiLU:
        return "torch.silu(" + input + ")";
    case Activation::Sigmoid:
        return "torch.sigmoid(" + input + ")";
    case Activation::Hardsigmoid:
        return "torch.hardsigmoid(" + input + ")";
    case Activation::None:
        break;
    }
    return input;
}

bool unevenPool(const LayerNode& node, const ValueShape& in) {
    return node.op == LayerNode::Op::AdaptiveAvgPool &&
           (in.height % node.outputSize[0] != 0 || in.width % node.outputSize[1] != 0);
}

std::string nodeExpression(const LayerNode& node, int index, const ValueShape& inShape) {
    const std::string in = scriptValue(node.inputs.at(0));
    switch (node.op) {
    case LayerNode::Op::Conv:
        return "torch.conv2d(" + in + ", self." + attributeName(node, index, "weight") + ", self." +
               attributeName(node, index, "bias") + ", " + pair(node.stride) + ", " +
               pair(node.padding) + ", " + pair(node.dilation) + ", " +
               std::to_string(node.groups) + ")";
    case LayerNode::Op::Activation:
        return activationCall(node.activation, in);
    case LayerNode::Op::MaxPool:
        return "torch.max_pool2d(" + in + ", " + pair(node.kernel) + ", " + pair(node.stride) +
               ", " + pair(node.padding) + ", [1, 1], False)";
    case LayerNode::Op::AdaptiveAvgPool:
        if (node.outputSize[0] == 1 && node.outputSize[1] == 1) {
            return "torch.mean(" + in + ", [2, 3], True)";
        }
        if (unevenPool(node, inShape)) {
            return "torch.matmul(torch.matmul(" + in + ", self." +
                   attributeName(node, index, "columns") + ").transpose(2, 3), self." +
                   attributeName(node, index, "rows") + ").transpose(2, 3)";
        }
        return "torch.adaptive_avg_pool2d(" + in + ", [" + std::to_string(node.outputSize[0]) +
               ", " + std::to_string(node.outputSize[1]) + "])";
    case LayerNode::Op::Flatten:
        return "torch.flatten(" + in + ", 1)";
    case LayerNode::Op::Linear:
        return "torch.linear(" + in + ", self." + attributeName(node, index, "weight") + ", self." +
               attributeName(node, index, "bias") + ")";
    case LayerNode::Op::Add:
        return in + " + " + scriptValue(node.inputs.at(1));
    case LayerNode::Op::Mul:
        return in + " * " + scriptValue(node.inputs.at(1));
    case LayerNode::Op::ConvTranspose:
        // (input, weight, bias, stride, padding, output_padding, groups, dilation)
        return "torch.conv_transpose2d(" + in + ", self." + attributeName(node, index, "weight") +
               ", self." + attributeName(node, index, "bias") + ", " + pair(node.stride) +
               ", [0, 0], [0, 0], 1, [1, 1])";
    case LayerNode::Op::Concat:
        return "torch.cat([" + in + ", " + scriptValue(node.inputs.at(1)) + "], " +
               std::to_string(node.axis) + ")";
    case LayerNode::Op::ResizeNearest:
        // (input, output_size, scales_h, scales_w)
        return "torch.upsample_nearest2d(" + in + ", [" + std::to_string(node.outputSize[0]) +
               ", " + std::to_string(node.outputSize[1]) + "], None, None)";
    case LayerNode::Op::FlattenCells:
        return "torch.flatten(" + in + ", 2).unsqueeze(3)";
    case LayerNode::Op::Flip:
        return "torch.flip(" + in + ", [" + std::to_string(node.axis) + "])";
    case LayerNode::Op::Scale: {
        std::ostringstream factor;
        factor << std::setprecision(std::numeric_limits<double>::max_digits10) << node.factor;
        return in + " * " + factor.str();
    }
    case LayerNode::Op::ResizeBilinear:
        // (input, output_size, align_corners, scales_h, scales_w): no scales, so the ratio of
        // the sizes is used, as interpolate(size=...) does.
        return "torch.upsample_bilinear2d(" + in + ", [" + std::to_string(node.outputSize[0]) +
               ", " + std::to_string(node.outputSize[1]) + "], False, None, None)";
    }
    return in;
}

} // namespace

std::string scriptValue(int index) {
    return index == LayerGraph::kInput ? "x" : "v" + std::to_string(index);
}

void registerGraphTensors(torch::jit::Module& module, const LayerGraph& graph) {
    const auto& nodes = graph.nodes();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const auto& node = nodes[i];
        const int index = static_cast<int>(i) + 1;
        // A copied graph's nodes share their names and weights with the first (appendCopy).
        if (node.weight.defined() && !module.hasattr(attributeName(node, index, "weight"))) {
            // Channels-last, like the input: LibTorch's CPU and cuDNN convolutions run faster so.
            const auto weight = node.weight.dim() == 4
                                    ? node.weight.contiguous(at::MemoryFormat::ChannelsLast)
                                    : node.weight;
            module.register_parameter(attributeName(node, index, "weight"), weight, false);
            module.register_parameter(attributeName(node, index, "bias"), node.bias, false);
        }
        const auto& in = graph.shape(node.inputs.at(0));
        if (unevenPool(node, in) && !module.hasattr(attributeName(node, index, "columns"))) {
            const auto matrix = [](int64_t inputSize, int64_t outputSize) {
                return at::tensor(adaptivePoolMatrix(inputSize, outputSize))
                    .reshape({inputSize, outputSize});
            };
            module.register_buffer(attributeName(node, index, "columns"),
                                   matrix(in.width, node.outputSize[1]));
            module.register_buffer(attributeName(node, index, "rows"),
                                   matrix(in.height, node.outputSize[0]));
        }
    }
}

std::string graphStatements(const LayerGraph& graph) {
    std::ostringstream source;
    const auto& nodes = graph.nodes();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const int index = static_cast<int>(i) + 1;
        source << "    " << scriptValue(index) << " = "
               << nodeExpression(nodes[i], index, graph.shape(nodes[i].inputs.at(0))) << "\n";
    }
    return source.str();
}

} // namespace kestrel::models
