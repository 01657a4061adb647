#include "models/mobilenet_v3.h"

#include "common/error.h"
#include "models/layer_graph.h"
#include "models/torchvision_layers.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <ATen/core/grad_mode.h>
#include <ATen/ops/hardswish.h>
#include <torch/nn/init.h>
#include <torch/nn/modules/container/functional.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>

namespace kestrel::models {

namespace {

// One row of Tables 1 and 2 of the MobileNetV3 paper, as torchvision lists them.
struct BottleneckRow {
    int64_t in;
    int64_t kernel;
    int64_t expanded;
    int64_t out;
    bool squeeze;
    bool hardswish; // else ReLU
    int64_t stride;
};

const std::vector<BottleneckRow>& bottlenecks(MobileNetV3::Size size) {
    static const std::vector<BottleneckRow> large = {
        {16, 3, 16, 16, false, false, 1},  {16, 3, 64, 24, false, false, 2},
        {24, 3, 72, 24, false, false, 1},  {24, 5, 72, 40, true, false, 2},
        {40, 5, 120, 40, true, false, 1},  {40, 5, 120, 40, true, false, 1},
        {40, 3, 240, 80, false, true, 2},  {80, 3, 200, 80, false, true, 1},
        {80, 3, 184, 80, false, true, 1},  {80, 3, 184, 80, false, true, 1},
        {80, 3, 480, 112, true, true, 1},  {112, 3, 672, 112, true, true, 1},
        {112, 5, 672, 160, true, true, 2}, {160, 5, 960, 160, true, true, 1},
        {160, 5, 960, 160, true, true, 1},
    };
    static const std::vector<BottleneckRow> small = {
        {16, 3, 16, 16, true, false, 2},  {16, 3, 72, 24, false, false, 2},
        {24, 3, 88, 24, false, false, 1}, {24, 5, 96, 40, true, true, 2},
        {40, 5, 240, 40, true, true, 1},  {40, 5, 240, 40, true, true, 1},
        {40, 5, 120, 48, true, true, 1},  {48, 5, 144, 48, true, true, 1},
        {48, 5, 288, 96, true, true, 2},  {96, 5, 576, 96, true, true, 1},
        {96, 5, 576, 96, true, true, 1},
    };
    return size == MobileNetV3::Size::Large ? large : small;
}

} // namespace

torch::nn::Sequential MobileNetV3::makeFeatures(Size size, int inputChannels, bool dilated) {
    const BatchNormSettings norm{1e-3, 0.01};
    const auto& rows = bottlenecks(size);
    constexpr std::size_t kLastStageBlocks = 3;

    torch::nn::Sequential features;
    features->push_back(ConvNormActivation(ConvNormActivationOptions{
        inputChannels, rows.front().in, 3, 2, 1, Activation::Hardswish, norm}));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const BottleneckRow& row = rows[i];
        InvertedResidualOptions options;
        options.in = row.in;
        options.expanded = row.expanded;
        options.out = row.out;
        options.kernel = row.kernel;
        options.stride = row.stride;
        options.activation = row.hardswish ? Activation::Hardswish : Activation::ReLU;
        options.squeezeChannels =
            row.squeeze ? makeDivisible(static_cast<double>(row.expanded / 4)) : 0;
        options.squeezeActivation = Activation::ReLU;
        options.squeezeGate = Activation::Hardsigmoid;
        options.norm = norm;
        options.dilation = dilated && i + kLastStageBlocks >= rows.size() ? 2 : 1;
        features->push_back(InvertedResidual(options));
    }
    features->push_back(ConvNormActivation(ConvNormActivationOptions{
        rows.back().out, 6 * rows.back().out, 1, 1, 1, Activation::Hardswish, norm}));
    return features;
}

MobileNetV3::MobileNetV3(Size size, int classes, int inputChannels) : size_(size) {
    features_ = register_module("features", makeFeatures(size, inputChannels, false));
    const int64_t lastConv = 6 * bottlenecks(size).back().out;

    const int64_t hidden = size == Size::Large ? 1280 : 1024;
    classifier_ = register_module(
        "classifier",
        torch::nn::Sequential(
            torch::nn::Linear(lastConv, hidden),
            torch::nn::Functional([](const torch::Tensor& x) { return at::hardswish(x); }),
            torch::nn::Dropout(0.2), torch::nn::Linear(hidden, classes)));

    initialiseLikeTorchvision(*this);
    at::NoGradGuard noGrad;
    for (auto& module : classifier_->modules(/*include_self=*/false)) {
        if (auto* linear = module->as<torch::nn::Linear>()) {
            torch::nn::init::normal_(linear->weight, 0.0, 0.01);
            torch::nn::init::zeros_(linear->bias);
        }
    }
}

MobileNetV3::MobileNetV3(Size size, int inputChannels) : size_(size) {
    features_ = register_module("features", makeFeatures(size, inputChannels, false));
    initialiseLikeTorchvision(*this);
}

MobileNetV3::MobileNetV3(Size size, torch::nn::Sequential features) : size_(size) {
    features_ = register_module("features", std::move(features));
}

std::vector<std::size_t> MobileNetV3::pyramidTaps() const {
    // features[0] (the stem) strides by 2, features[i + 1] by row i's stride, the last
    // convolution by 1.
    std::vector<int64_t> strides = {2};
    for (const BottleneckRow& row : bottlenecks(size_)) {
        strides.push_back(strides.back() * row.stride);
    }
    strides.push_back(strides.back());
    std::vector<std::size_t> taps;
    for (int64_t stride = 4; stride <= 32; stride *= 2) {
        std::size_t last = 0;
        for (std::size_t i = 0; i < strides.size(); ++i) {
            if (strides[i] == stride) {
                last = i;
            }
        }
        taps.push_back(last);
    }
    return taps;
}

std::vector<at::Tensor> MobileNetV3::pyramid(at::Tensor images) {
    const std::vector<std::size_t> taps = pyramidTaps();
    std::vector<at::Tensor> maps;
    at::Tensor x = std::move(images);
    std::size_t index = 0;
    for (auto& block : *features_) {
        x = block.forward(x);
        if (std::find(taps.begin(), taps.end(), index) != taps.end()) {
            maps.push_back(x);
        }
        if (index++ == taps.back()) {
            break;
        }
    }
    return maps;
}

std::vector<int> MobileNetV3::appendPyramid(LayerGraph& graph) const {
    const std::vector<std::size_t> taps = pyramidTaps();
    std::vector<int> maps;
    int x = LayerGraph::kInput;
    for (std::size_t i = 0; i <= taps.back(); ++i) {
        x = describeBlock(graph, *features_->ptr(i), x);
        if (std::find(taps.begin(), taps.end(), i) != taps.end()) {
            maps.push_back(x);
        }
    }
    return maps;
}

std::vector<int64_t> MobileNetV3::pyramidChannels() const {
    const auto& rows = bottlenecks(size_);
    std::vector<int64_t> channels;
    for (const std::size_t tap : pyramidTaps()) {
        // features[i] is row i - 1; the last one is the 1x1 convolution to 6x the last row.
        channels.push_back(tap == rows.size() + 1 ? 6 * rows.back().out : rows[tap - 1].out);
    }
    return channels;
}

torch::Tensor MobileNetV3::features(torch::Tensor images) {
    return features_->forward(images);
}

torch::Tensor MobileNetV3::classify(torch::Tensor featureMaps) {
    requireClassifier();
    return classifier_->forward(featureMaps.mean({2, 3}));
}

int MobileNetV3::appendLayers(LayerGraph& graph) const {
    requireClassifier();
    int x = describeBlocks(graph, *features_, LayerGraph::kInput);
    x = graph.flatten(graph.adaptiveAvgPool(1, 1, x));
    // classifier: Linear, Hardswish, Dropout (the identity in eval mode), Linear.
    x = graph.activation(Activation::Hardswish,
                         graph.linear(*classifier_->ptr(0)->as<torch::nn::Linear>(), x));
    return graph.linear(*classifier_->ptr(3)->as<torch::nn::Linear>(), x);
}

void MobileNetV3::requireClassifier() const {
    if (!classifier_) {
        throw Error(ErrorKind::InvalidArgument,
                    architecture() + " was built as a backbone, without its classifier.");
    }
}

std::string MobileNetV3::architecture() const {
    return size_ == Size::Large ? "mobilenet_v3_large" : "mobilenet_v3_small";
}

} // namespace kestrel::models
