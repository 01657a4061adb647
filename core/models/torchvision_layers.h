#pragma once

// Building blocks shared by the torchvision-compatible architectures. Each registers its
// children under the names torchvision gives them ("0", "1", "fc1", "block", ...), so that
// a torchvision state_dict loads key for key.

#include "models/activation.h"
#include "models/batch_norm.h"

#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace kestrel::models {

class LayerGraph;

torch::Tensor activate(const torch::Tensor& x, Activation activation);

// torchvision's BatchNorm2d settings differ per family (MobileNetV3: eps 1e-3, momentum 0.01).
struct BatchNormSettings {
    double eps = 1e-5;
    double momentum = 0.1;
};

// torchvision.ops.Conv2dNormActivation: a bias-free convolution with "same" padding
// ("0"), batch norm ("1"), then an activation with no parameters.
struct ConvNormActivationOptions {
    int64_t in = 0;
    int64_t out = 0;
    int64_t kernel = 3;
    int64_t stride = 1;
    int64_t groups = 1;
    Activation activation = Activation::ReLU;
    BatchNormSettings norm;
    int64_t dilation = 1; // padding grows with it, so the size is kept
};

class ConvNormActivationImpl : public torch::nn::Module {
public:
    explicit ConvNormActivationImpl(const ConvNormActivationOptions& options);
    torch::Tensor forward(const torch::Tensor& x);
    int appendLayers(LayerGraph& graph, int input) const;

    torch::nn::Conv2d conv{nullptr};
    BatchNorm2d norm{nullptr};

private:
    Activation activation_;
};
TORCH_MODULE(ConvNormActivation);

// torchvision.ops.SqueezeExcitation: global average, 1x1 conv "fc1", activation, 1x1 conv
// "fc2", gate; the input is scaled channel-wise by the gate.
class SqueezeExcitationImpl : public torch::nn::Module {
public:
    SqueezeExcitationImpl(int64_t channels, int64_t squeezeChannels, Activation activation,
                          Activation gate);
    torch::Tensor forward(const torch::Tensor& x);
    int appendLayers(LayerGraph& graph, int input) const;

private:
    torch::nn::Conv2d fc1_{nullptr};
    torch::nn::Conv2d fc2_{nullptr};
    Activation activation_;
    Activation gate_;
};
TORCH_MODULE(SqueezeExcitation);

// The inverted residual of MobileNetV3 and the MBConv of EfficientNet, which differ only in
// their settings: "block" holds [expand 1x1] (when the width changes), depthwise k x k,
// [squeeze-excitation], project 1x1 without activation. The input is added back when the
// stride is 1 and the width is kept.
struct InvertedResidualOptions {
    int64_t in = 0;
    int64_t expanded = 0;
    int64_t out = 0;
    int64_t kernel = 3;
    int64_t stride = 1;
    Activation activation = Activation::ReLU;
    int64_t squeezeChannels = 0; // 0: no squeeze-excitation
    Activation squeezeActivation = Activation::ReLU;
    Activation squeezeGate = Activation::Sigmoid;
    // EfficientNet drops the residual branch of whole rows with this probability while
    // training (torchvision.ops.StochasticDepth, "row" mode); identity in eval.
    double stochasticDepth = 0.0;
    BatchNormSettings norm;
    // Segmentation backbones dilate the last stage's depthwise convolutions instead of
    // striding them (torchvision's dilated=True), keeping an output stride of 16.
    int64_t dilation = 1;
};

class InvertedResidualImpl : public torch::nn::Module {
public:
    explicit InvertedResidualImpl(const InvertedResidualOptions& options);
    torch::Tensor forward(const torch::Tensor& x);
    int appendLayers(LayerGraph& graph, int input) const;

private:
    torch::nn::Sequential block_{nullptr};
    bool residual_;
    double stochasticDepth_;
};
TORCH_MODULE(InvertedResidual);

// A torch::nn::Sequential that can itself sit in a Sequential (LibTorch's own cannot, its
// forward() being a template): EfficientNet's stages are such nested sequences.
class StageImpl : public torch::nn::SequentialImpl {
public:
    using SequentialImpl::SequentialImpl;
    torch::Tensor forward(const torch::Tensor& x) { return SequentialImpl::forward(x); }
};
TORCH_MODULE(Stage);

// Describes a sequence of the blocks above (and Stages of them) into `graph`, in order.
int describeBlocks(LayerGraph& graph, const torch::nn::SequentialImpl& blocks, int input);
// One of those blocks.
int describeBlock(LayerGraph& graph, const torch::nn::Module& block, int input);

// torchvision's _make_divisible: rounds a scaled width to a multiple of 8, never more than
// 10% below the scaled value.
int64_t makeDivisible(double value, int64_t divisor = 8);

// He-normal convolutions (fan out), zero conv biases, unit/zero batch norms: the
// initialisation every torchvision classifier uses. Linear layers are left to the caller.
void initialiseLikeTorchvision(torch::nn::Module& model);

} // namespace kestrel::models
