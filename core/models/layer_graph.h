#pragma once

#include "models/activation.h"

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace torch::nn {
class Module;
class Conv2dImpl;
class ConvTranspose2dImpl;
class BatchNorm2dImpl;
class LinearImpl;
} // namespace torch::nn

namespace kestrel::models {

// A model's forward pass in eval mode, written out as a plain list of layers with their
// weights: what the exporters translate into TorchScript and ONNX. Batch norms are folded into
// the convolution before them and dropout is left out, as neither does anything else at
// inference. Values are numbered: 0 is the input image batch, node i produces value i + 1.
// Node names are unique: a layer run more than once (a detector head shared by pyramid
// levels) gets "_2", "_3", ... after its parameter prefix from the second time on. Only
// appendCopy repeats names, so that the writers keep one copy of those weights.
struct LayerNode {
    enum class Op {
        Conv,            // weight O x I/groups x k x k, bias O; stride, padding, groups, dilation
        Activation,      // activation
        MaxPool,         // kernel, stride, padding (floor rounding)
        AdaptiveAvgPool, // to outputSize, as torch's adaptive_avg_pool2d splits the input
        Flatten,         // N x C x H x W -> N x (C*H*W)
        Linear,          // weight O x I, bias O
        Add,             // inputs[0] + inputs[1]
        Mul,             // inputs[0] * inputs[1], the second broadcast over H x W
        ConvTranspose,   // weight I x O x k x k (torch's layout), bias O; kernel, stride
        Concat,          // inputs[0] then inputs[1] along `axis` (1 channels, 2 rows)
        ResizeBilinear,  // to outputSize, as torch's interpolate(mode="bilinear",
                         // align_corners=False) with that size
        ResizeNearest,   // to outputSize, a whole multiple of the input's, as torch's
                         // interpolate(mode="nearest") with that size
        FlattenCells,    // N x C x H x W -> N x C x (H*W) x 1: the cells row-major in a column
        Flip,            // reversed along `axis` (2 rows, 3 columns)
        Scale,           // inputs[0] * factor
    };

    Op op = Op::Activation;
    std::string name; // the layer's parameter prefix, e.g. "layer1.0.conv1"; may be empty
    std::vector<int> inputs;
    at::Tensor weight; // float32, on the CPU, contiguous
    at::Tensor bias;
    int64_t kernel = 1;
    int64_t stride = 1;
    int64_t padding = 0;
    int64_t groups = 1;
    int64_t dilation = 1;
    int64_t axis = 1;    // Concat's and Flip's
    double factor = 1.0; // Scale's
    Activation activation = Activation::None;
    std::array<int64_t, 2> outputSize{1, 1};
};

// The shape of one value without its batch dimension: C x H x W, or features alone (H and
// W are 0) after Flatten and Linear.
struct ValueShape {
    int64_t channels = 0;
    int64_t height = 0;
    int64_t width = 0;
    bool spatial() const { return height > 0; }
};

class LayerGraph {
public:
    // `model` names the parameters; `input` is the image shape the graph is written for.
    LayerGraph(const torch::nn::Module& model, ValueShape input);

    static constexpr int kInput = 0;

    // Each returns the value it produces. Throws kestrel::Error when a layer cannot be
    // written (non-square convolutions, pools that shrink a side to nothing).
    int conv(const torch::nn::Conv2dImpl& conv, int input);
    int convNorm(const torch::nn::Conv2dImpl& conv, const torch::nn::BatchNorm2dImpl& norm,
                 int input);
    int activation(Activation kind, int input);
    int maxPool(int64_t kernel, int64_t stride, int64_t padding, int input);
    int adaptiveAvgPool(int64_t height, int64_t width, int input);
    int flatten(int input);
    int linear(const torch::nn::LinearImpl& linear, int input);
    int add(int left, int right);
    int mul(int left, int gate);
    // Only groups 1, padding 0, output padding 0 and dilation 1 (a U-Net's 2x2 upsampling);
    // throws kestrel::Error otherwise.
    int convTranspose(const torch::nn::ConvTranspose2dImpl& conv, int input);
    // Throws kestrel::Error when the two differ in height or width.
    int concat(int first, int second);
    // Along rows (axis 2): throws kestrel::Error when the two differ in channels or width.
    int concatRows(int first, int second);
    // Bilinear resampling to `height` x `width`, pixel centres aligned (align_corners=False).
    int resizeBilinear(int64_t height, int64_t width, int input);
    // Nearest resampling to `height` x `width`, whole multiples of the input's sides (a
    // feature pyramid's top-down path); throws kestrel::Error otherwise.
    int resizeNearest(int64_t height, int64_t width, int input);
    // The map's cells as one column, row-major: C x (H*W) x 1.
    int flattenCells(int input);
    // The map reversed along `axis`: 2 (upside down) or 3 (left-right); throws kestrel::Error
    // for another axis.
    int flip(int64_t axis, int input);
    int scale(double factor, int input);
    // All of `body`'s nodes again, reading `input` where body reads its input, under the
    // same names and weights; returns the value holding body's output. Throws kestrel::Error
    // when `input` does not have the shape body was written for.
    int appendCopy(const LayerGraph& body, int input);

    const std::vector<LayerNode>& nodes() const { return nodes_; }
    const ValueShape& shape(int value) const { return shapes_.at(static_cast<size_t>(value)); }
    int output() const { return static_cast<int>(nodes_.size()); }
    int64_t outputFeatures() const { return shape(output()).channels; }

private:
    int append(LayerNode node, ValueShape shape);
    // A conv or linear node reading `input`; a missing bias becomes zeros.
    LayerNode weighted(LayerNode::Op op, const at::Tensor& weight, const at::Tensor& bias,
                       int64_t outputs, int input) const;
    std::string nameOf(const at::Tensor& parameter) const;

    std::map<const void*, std::string> parameterNames_; // by TensorImpl
    std::map<std::string, int> nodeNames_;              // times each node name was given
    std::vector<LayerNode> nodes_;
    std::vector<ValueShape> shapes_;
};

// Adaptive average pooling along one side as a matrix, inputSize x outputSize (row-major):
// column j averages torch's bin j, input [floor(j*in/out), ceil((j+1)*in/out)). Uneven,
// overlapping bins have no ONNX operator (nor a oneDNN kernel), so the exporters write
// adaptive pooling as X . Pw, transposed, . Ph, transposed back.
std::vector<float> adaptivePoolMatrix(int64_t inputSize, int64_t outputSize);

} // namespace kestrel::models
