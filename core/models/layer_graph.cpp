#include "models/layer_graph.h"

#include "common/error.h"

#include <type_traits>

#include <ATen/ops/sqrt.h>
#include <ATen/ops/zeros.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

namespace kestrel::models {

namespace {

at::Tensor exportable(const at::Tensor& tensor) {
    return tensor.detach().to(at::kCPU, at::kFloat).contiguous().clone();
}

// The explicit padding of a square convolution, or -1 for "same"/"valid" or uneven padding.
// Unqualified visit: LibTorch 1.x keeps options in c10::variant, 2.x in std::variant.
int64_t symmetricPadding(const torch::nn::detail::ConvNdOptions<2>& options) {
    int64_t result = -1;
    visit(
        [&](const auto& padding) {
            if constexpr (std::is_same_v<std::decay_t<decltype(padding)>,
                                         torch::ExpandingArray<2>>) {
                if ((*padding)[0] == (*padding)[1]) {
                    result = (*padding)[0];
                }
            }
        },
        options.padding());
    return result;
}

int64_t pooledSide(int64_t side, int64_t kernel, int64_t stride, int64_t padding,
                   int64_t dilation = 1) {
    return (side + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
}

} // namespace

LayerGraph::LayerGraph(const torch::nn::Module& model, ValueShape input) {
    for (const auto& item : model.named_parameters()) {
        parameterNames_[item.value().unsafeGetTensorImpl()] = item.key();
    }
    shapes_.push_back(input);
}

std::string LayerGraph::nameOf(const at::Tensor& parameter) const {
    const auto found = parameterNames_.find(parameter.unsafeGetTensorImpl());
    if (found == parameterNames_.end()) {
        return {};
    }
    const std::string& name = found->second;
    const auto dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(0, dot);
}

LayerNode LayerGraph::weighted(LayerNode::Op op, const at::Tensor& weight, const at::Tensor& bias,
                               int64_t outputs, int input) const {
    LayerNode node;
    node.op = op;
    node.name = nameOf(weight);
    node.inputs = {input};
    node.weight = exportable(weight);
    node.bias = bias.defined() ? exportable(bias) : at::zeros({outputs}, at::kFloat);
    return node;
}

int LayerGraph::append(LayerNode node, ValueShape shape) {
    if (shape.spatial() && (shape.height < 1 || shape.width < 1)) {
        throw Error(ErrorKind::InvalidArgument,
                    "The input image of " + std::to_string(shapes_.front().height) + " x " +
                        std::to_string(shapes_.front().width) +
                        " px is too small for this model: it shrinks to nothing at layer " +
                        (node.name.empty() ? std::to_string(nodes_.size()) : node.name) + ".");
    }
    if (!node.name.empty()) {
        const int seen = ++nodeNames_[node.name];
        if (seen > 1) {
            node.name += "_" + std::to_string(seen);
        }
    }
    nodes_.push_back(std::move(node));
    shapes_.push_back(shape);
    return static_cast<int>(nodes_.size());
}

int LayerGraph::conv(const torch::nn::Conv2dImpl& conv, int input) {
    const auto& options = conv.options;
    LayerNode node =
        weighted(LayerNode::Op::Conv, conv.weight, conv.bias, options.out_channels(), input);
    node.kernel = (*options.kernel_size())[0];
    node.stride = (*options.stride())[0];
    node.padding = symmetricPadding(options);
    node.groups = options.groups();
    node.dilation = (*options.dilation())[0];
    if ((*options.kernel_size())[1] != node.kernel || (*options.stride())[1] != node.stride ||
        (*options.dilation())[1] != node.dilation || node.padding < 0) {
        throw Error(ErrorKind::InvalidArgument,
                    "Convolution " + node.name +
                        " cannot be exported: only square convolutions with explicit padding "
                        "can.");
    }
    const ValueShape& in = shape(input);
    const ValueShape out{
        options.out_channels(),
        pooledSide(in.height, node.kernel, node.stride, node.padding, node.dilation),
        pooledSide(in.width, node.kernel, node.stride, node.padding, node.dilation)};
    return append(std::move(node), out);
}

int LayerGraph::convNorm(const torch::nn::Conv2dImpl& convolution,
                         const torch::nn::BatchNorm2dImpl& norm, int input) {
    const int value = conv(convolution, input);
    // Folded in double precision: scale = gamma / sqrt(var + eps), w' = w * scale,
    // b' = beta + (b - mean) * scale.
    LayerNode& node = nodes_.back();
    const auto scale = norm.weight.detach().to(at::kCPU, at::kDouble) /
                       at::sqrt(norm.running_var.to(at::kCPU, at::kDouble) + norm.options.eps());
    node.weight =
        (node.weight.to(at::kDouble) * scale.reshape({-1, 1, 1, 1})).to(at::kFloat).contiguous();
    node.bias = (norm.bias.detach().to(at::kCPU, at::kDouble) +
                 (node.bias.to(at::kDouble) - norm.running_mean.to(at::kCPU, at::kDouble)) * scale)
                    .to(at::kFloat)
                    .contiguous();
    return value;
}

int LayerGraph::activation(Activation kind, int input) {
    if (kind == Activation::None) {
        return input;
    }
    LayerNode node;
    node.op = LayerNode::Op::Activation;
    node.inputs = {input};
    node.activation = kind;
    return append(std::move(node), shape(input));
}

int LayerGraph::maxPool(int64_t kernel, int64_t stride, int64_t padding, int input) {
    LayerNode node;
    node.op = LayerNode::Op::MaxPool;
    node.inputs = {input};
    node.kernel = kernel;
    node.stride = stride;
    node.padding = padding;
    const ValueShape& in = shape(input);
    return append(std::move(node), {in.channels, pooledSide(in.height, kernel, stride, padding),
                                    pooledSide(in.width, kernel, stride, padding)});
}

int LayerGraph::adaptiveAvgPool(int64_t height, int64_t width, int input) {
    LayerNode node;
    node.op = LayerNode::Op::AdaptiveAvgPool;
    node.inputs = {input};
    node.outputSize = {height, width};
    return append(std::move(node), {shape(input).channels, height, width});
}

int LayerGraph::flatten(int input) {
    LayerNode node;
    node.op = LayerNode::Op::Flatten;
    node.inputs = {input};
    const ValueShape& in = shape(input);
    return append(
        std::move(node),
        {in.channels * std::max<int64_t>(1, in.height) * std::max<int64_t>(1, in.width), 0, 0});
}

int LayerGraph::linear(const torch::nn::LinearImpl& linear, int input) {
    LayerNode node = weighted(LayerNode::Op::Linear, linear.weight, linear.bias,
                              linear.options.out_features(), input);
    return append(std::move(node), {linear.options.out_features(), 0, 0});
}

int LayerGraph::add(int left, int right) {
    LayerNode node;
    node.op = LayerNode::Op::Add;
    node.inputs = {left, right};
    return append(std::move(node), shape(left));
}

int LayerGraph::mul(int left, int gate) {
    LayerNode node;
    node.op = LayerNode::Op::Mul;
    node.inputs = {left, gate};
    return append(std::move(node), shape(left));
}

int LayerGraph::convTranspose(const torch::nn::ConvTranspose2dImpl& conv, int input) {
    const auto& options = conv.options;
    LayerNode node = weighted(LayerNode::Op::ConvTranspose, conv.weight, conv.bias,
                              options.out_channels(), input);
    node.kernel = (*options.kernel_size())[0];
    node.stride = (*options.stride())[0];
    node.padding = symmetricPadding(options);
    const auto& outputPadding = *options.output_padding();
    if ((*options.kernel_size())[1] != node.kernel || (*options.stride())[1] != node.stride ||
        (*options.dilation())[0] != 1 || (*options.dilation())[1] != 1 || node.padding != 0 ||
        outputPadding[0] != 0 || outputPadding[1] != 0 || options.groups() != 1) {
        throw Error(ErrorKind::InvalidArgument,
                    "Transposed convolution " + node.name +
                        " cannot be exported: only square, ungrouped, undilated ones without "
                        "padding or output padding can.");
    }
    const ValueShape& in = shape(input);
    const auto side = [&](int64_t size) {
        return (size - 1) * node.stride + node.kernel;
    };
    const ValueShape out{options.out_channels(), side(in.height), side(in.width)};
    return append(std::move(node), out);
}

int LayerGraph::concat(int first, int second) {
    const ValueShape& a = shape(first);
    const ValueShape& b = shape(second);
    if (!a.spatial() || a.height != b.height || a.width != b.width) {
        throw Error(ErrorKind::InvalidArgument,
                    "Maps of " + std::to_string(a.height) + " x " + std::to_string(a.width) +
                        " and " + std::to_string(b.height) + " x " + std::to_string(b.width) +
                        " cannot be concatenated along channels: their sizes differ.");
    }
    LayerNode node;
    node.op = LayerNode::Op::Concat;
    node.inputs = {first, second};
    return append(std::move(node), {a.channels + b.channels, a.height, a.width});
}

int LayerGraph::concatRows(int first, int second) {
    const ValueShape& a = shape(first);
    const ValueShape& b = shape(second);
    if (!a.spatial() || a.channels != b.channels || a.width != b.width) {
        throw Error(ErrorKind::InvalidArgument,
                    "Maps of " + std::to_string(a.channels) + " x " + std::to_string(a.width) +
                        " and " + std::to_string(b.channels) + " x " + std::to_string(b.width) +
                        " channels and columns cannot be concatenated along rows.");
    }
    LayerNode node;
    node.op = LayerNode::Op::Concat;
    node.axis = 2;
    node.inputs = {first, second};
    return append(std::move(node), {a.channels, a.height + b.height, a.width});
}

int LayerGraph::resizeNearest(int64_t height, int64_t width, int input) {
    const ValueShape& in = shape(input);
    if (!in.spatial() || height % in.height != 0 || width % in.width != 0) {
        throw Error(ErrorKind::InvalidArgument,
                    "A " + std::to_string(in.height) + " x " + std::to_string(in.width) +
                        " map cannot be resized to " + std::to_string(height) + " x " +
                        std::to_string(width) +
                        " by nearest neighbours: only whole multiples "
                        "can.");
    }
    LayerNode node;
    node.op = LayerNode::Op::ResizeNearest;
    node.inputs = {input};
    node.outputSize = {height, width};
    return append(std::move(node), {in.channels, height, width});
}

int LayerGraph::flattenCells(int input) {
    const ValueShape& in = shape(input);
    if (!in.spatial()) {
        throw Error(ErrorKind::InvalidArgument, "Only feature maps have cells to flatten.");
    }
    LayerNode node;
    node.op = LayerNode::Op::FlattenCells;
    node.inputs = {input};
    return append(std::move(node), {in.channels, in.height * in.width, 1});
}

int LayerGraph::flip(int64_t axis, int input) {
    const ValueShape& in = shape(input);
    if (!in.spatial() || (axis != 2 && axis != 3)) {
        throw Error(ErrorKind::InvalidArgument,
                    "Only a feature map's rows (axis 2) or columns (axis 3) can be flipped, not "
                    "axis " +
                        std::to_string(axis) + ".");
    }
    LayerNode node;
    node.op = LayerNode::Op::Flip;
    node.inputs = {input};
    node.axis = axis;
    return append(std::move(node), in);
}

int LayerGraph::scale(double factor, int input) {
    LayerNode node;
    node.op = LayerNode::Op::Scale;
    node.inputs = {input};
    node.factor = factor;
    return append(std::move(node), shape(input));
}

int LayerGraph::appendCopy(const LayerGraph& body, int input) {
    const ValueShape& in = shape(input);
    const ValueShape& expected = body.shape(kInput);
    if (in.channels != expected.channels || in.height != expected.height ||
        in.width != expected.width) {
        throw Error(ErrorKind::InvalidArgument,
                    "A copied graph reads " + std::to_string(expected.channels) + " x " +
                        std::to_string(expected.height) + " x " + std::to_string(expected.width) +
                        " values, not " + std::to_string(in.channels) + " x " +
                        std::to_string(in.height) + " x " + std::to_string(in.width) + ".");
    }
    // Body value v (node v - 1) lands at offset + v; its input becomes `input`.
    const int offset = output();
    for (std::size_t i = 0; i < body.nodes().size(); ++i) {
        LayerNode node = body.nodes()[i];
        for (int& value : node.inputs) {
            value = value == kInput ? input : offset + value;
        }
        // Straight in, not through append(): the names stay, so the weights are written once.
        nodes_.push_back(std::move(node));
        shapes_.push_back(body.shape(static_cast<int>(i) + 1));
    }
    return offset + body.output();
}

int LayerGraph::resizeBilinear(int64_t height, int64_t width, int input) {
    const ValueShape& in = shape(input);
    if (!in.spatial()) {
        throw Error(ErrorKind::InvalidArgument, "Only feature maps can be resized.");
    }
    LayerNode node;
    node.op = LayerNode::Op::ResizeBilinear;
    node.inputs = {input};
    node.outputSize = {height, width};
    return append(std::move(node), {in.channels, height, width});
}

std::vector<float> adaptivePoolMatrix(int64_t inputSize, int64_t outputSize) {
    std::vector<float> matrix(static_cast<size_t>(inputSize * outputSize), 0.0F);
    for (int64_t cell = 0; cell < outputSize; ++cell) {
        const int64_t start = (cell * inputSize) / outputSize;
        const int64_t end = ((cell + 1) * inputSize + outputSize - 1) / outputSize;
        for (int64_t i = start; i < end; ++i) {
            matrix[static_cast<size_t>(i * outputSize + cell)] =
                1.0F / static_cast<float>(end - start);
        }
    }
    return matrix;
}

} // namespace kestrel::models
