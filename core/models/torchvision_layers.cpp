#include "models/torchvision_layers.h"

#include "common/error.h"
#include "models/layer_graph.h"

#include <algorithm>

#include <ATen/core/grad_mode.h>
#include <ATen/ops/bernoulli.h>
#include <ATen/ops/full.h>
#include <ATen/ops/hardsigmoid.h>
#include <ATen/ops/hardswish.h>
#include <ATen/ops/relu.h>
#include <ATen/ops/sigmoid.h>
#include <ATen/ops/silu.h>
#include <torch/nn/init.h>

namespace kestrel::models {

torch::Tensor activate(const torch::Tensor& x, Activation activation) {
    switch (activation) {
    case Activation::None:
        return x;
    case Activation::ReLU:
        return at::relu(x);
    case Activation::Hardswish:
        return at::hardswish(x);
    case Activation::SiLU:
        return at::silu(x);
    case Activation::Sigmoid:
        return at::sigmoid(x);
    case Activation::Hardsigmoid:
        return at::hardsigmoid(x);
    }
    return x;
}

ConvNormActivationImpl::ConvNormActivationImpl(const ConvNormActivationOptions& options)
    : activation_(options.activation) {
    conv = register_module(
        "0", torch::nn::Conv2d(torch::nn::Conv2dOptions(options.in, options.out, options.kernel)
                                   .stride(options.stride)
                                   .padding((options.kernel - 1) / 2 * options.dilation)
                                   .dilation(options.dilation)
                                   .groups(options.groups)
                                   .bias(false)));
    norm = register_module("1", BatchNorm2d(torch::nn::BatchNorm2dOptions(options.out)
                                                .eps(options.norm.eps)
                                                .momentum(options.norm.momentum)));
}

torch::Tensor ConvNormActivationImpl::forward(const torch::Tensor& x) {
    return activate(norm->forward(conv->forward(x)), activation_);
}

int ConvNormActivationImpl::appendLayers(LayerGraph& graph, int input) const {
    return graph.activation(activation_, graph.convNorm(*conv, *norm, input));
}

SqueezeExcitationImpl::SqueezeExcitationImpl(int64_t channels, int64_t squeezeChannels,
                                             Activation activation, Activation gate)
    : activation_(activation), gate_(gate) {
    fc1_ = register_module(
        "fc1", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, squeezeChannels, 1)));
    fc2_ = register_module(
        "fc2", torch::nn::Conv2d(torch::nn::Conv2dOptions(squeezeChannels, channels, 1)));
}

torch::Tensor SqueezeExcitationImpl::forward(const torch::Tensor& x) {
    auto scale = x.mean({2, 3}, /*keepdim=*/true);
    scale = activate(fc1_->forward(scale), activation_);
    scale = activate(fc2_->forward(scale), gate_);
    return scale * x;
}

int SqueezeExcitationImpl::appendLayers(LayerGraph& graph, int input) const {
    int scale = graph.adaptiveAvgPool(1, 1, input);
    scale = graph.activation(activation_, graph.conv(*fc1_, scale));
    scale = graph.activation(gate_, graph.conv(*fc2_, scale));
    return graph.mul(input, scale);
}

InvertedResidualImpl::InvertedResidualImpl(const InvertedResidualOptions& options)
    : residual_(options.stride == 1 && options.in == options.out),
      stochasticDepth_(options.stochasticDepth) {
    torch::nn::Sequential layers;
    if (options.expanded != options.in) {
        layers->push_back(ConvNormActivation(ConvNormActivationOptions{
            options.in, options.expanded, 1, 1, 1, options.activation, options.norm}));
    }
    ConvNormActivationOptions depthwise{options.expanded, options.expanded, options.kernel,
                                        options.stride,   options.expanded, options.activation,
                                        options.norm};
    if (options.dilation > 1) { // as torchvision: a dilated block does not stride
        depthwise.stride = 1;
        depthwise.dilation = options.dilation;
    }
    layers->push_back(ConvNormActivation(depthwise));
    if (options.squeezeChannels > 0) {
        layers->push_back(SqueezeExcitation(options.expanded, options.squeezeChannels,
                                            options.squeezeActivation, options.squeezeGate));
    }
    layers->push_back(ConvNormActivation(ConvNormActivationOptions{
        options.expanded, options.out, 1, 1, 1, Activation::None, options.norm}));
    block_ = register_module("block", layers);
}

torch::Tensor InvertedResidualImpl::forward(const torch::Tensor& x) {
    auto result = block_->forward(x);
    if (!residual_) {
        return result;
    }
    if (is_training() && stochasticDepth_ > 0.0) {
        // One keep/drop draw per row, rescaled so the expectation is unchanged.
        const double survival = 1.0 - stochasticDepth_;
        auto keep = at::bernoulli(at::full({result.size(0), 1, 1, 1}, survival, result.options()));
        if (survival > 0.0) {
            keep.div_(survival);
        }
        result = result * keep;
    }
    return result + x;
}

int InvertedResidualImpl::appendLayers(LayerGraph& graph, int input) const {
    const int result = describeBlocks(graph, *block_, input);
    // Stochastic depth is the identity in eval mode.
    return residual_ ? graph.add(result, input) : result;
}

int describeBlocks(LayerGraph& graph, const torch::nn::SequentialImpl& blocks, int input) {
    int value = input;
    for (const auto& child : blocks.children()) {
        value = describeBlock(graph, *child, value);
    }
    return value;
}

int describeBlock(LayerGraph& graph, const torch::nn::Module& block, int input) {
    if (const auto* convNorm = block.as<ConvNormActivationImpl>()) {
        return convNorm->appendLayers(graph, input);
    }
    if (const auto* squeeze = block.as<SqueezeExcitationImpl>()) {
        return squeeze->appendLayers(graph, input);
    }
    if (const auto* residual = block.as<InvertedResidualImpl>()) {
        return residual->appendLayers(graph, input);
    }
    if (const auto* stage = block.as<StageImpl>()) {
        return describeBlocks(graph, *stage, input);
    }
    throw Error(ErrorKind::InvalidArgument, "A " + block.name() + " layer cannot be exported yet.");
}

int64_t makeDivisible(double value, int64_t divisor) {
    const auto rounded =
        static_cast<int64_t>(value + static_cast<double>(divisor) / 2.0) / divisor * divisor;
    int64_t result = std::max(divisor, rounded);
    if (static_cast<double>(result) < 0.9 * value) {
        result += divisor;
    }
    return result;
}

void initialiseLikeTorchvision(torch::nn::Module& model) {
    at::NoGradGuard noGrad;
    for (auto& module : model.modules(/*include_self=*/false)) {
        if (auto* conv = module->as<torch::nn::Conv2d>()) {
            torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
            if (conv->bias.defined()) {
                torch::nn::init::zeros_(conv->bias);
            }
        } else if (auto* norm = module->as<torch::nn::BatchNorm2d>()) {
            torch::nn::init::ones_(norm->weight);
            torch::nn::init::zeros_(norm->bias);
        }
    }
}

} // namespace kestrel::models
