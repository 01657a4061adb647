#include "models/efficientnet.h"

#include "models/layer_graph.h"
#include "models/torchvision_layers.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <ATen/core/grad_mode.h>
#include <torch/nn/init.h>
#include <torch/nn/modules/dropout.h>

namespace kestrel::models {

namespace {

struct Scaling {
    double width;
    double depth;
    double dropout;
};

Scaling scaling(EfficientNet::Variant variant) {
    switch (variant) {
    case EfficientNet::Variant::B0:
        return {1.0, 1.0, 0.2};
    case EfficientNet::Variant::B1:
        return {1.0, 1.1, 0.2};
    case EfficientNet::Variant::B2:
        return {1.1, 1.2, 0.3};
    case EfficientNet::Variant::B3:
        return {1.2, 1.4, 0.3};
    }
    return {1.0, 1.0, 0.2};
}

// One row of Table 1 of the EfficientNet paper, before scaling.
struct StageRow {
    int64_t expandRatio;
    int64_t kernel;
    int64_t stride;
    int64_t in;
    int64_t out;
    int64_t layers;
};

constexpr std::array<StageRow, 7> baseStages = {{
    {1, 3, 1, 32, 16, 1},
    {6, 3, 2, 16, 24, 2},
    {6, 5, 2, 24, 40, 2},
    {6, 3, 2, 40, 80, 3},
    {6, 5, 1, 80, 112, 3},
    {6, 5, 2, 112, 192, 4},
    {6, 3, 1, 192, 320, 1},
}};

constexpr double maxStochasticDepth = 0.2;

} // namespace

EfficientNet::EfficientNet(Variant variant, int classes, int inputChannels) : variant_(variant) {
    const Scaling scale = scaling(variant);
    const auto widen = [&](int64_t channels) {
        return makeDivisible(static_cast<double>(channels) * scale.width);
    };
    const auto deepen = [&](int64_t layers) {
        return static_cast<int64_t>(std::ceil(static_cast<double>(layers) * scale.depth));
    };

    int64_t totalBlocks = 0;
    for (const auto& stage : baseStages) {
        totalBlocks += deepen(stage.layers);
    }

    torch::nn::Sequential features;
    features->push_back(ConvNormActivation(ConvNormActivationOptions{
        inputChannels, widen(baseStages.front().in), 3, 2, 1, Activation::SiLU, {}}));
    int64_t blockIndex = 0;
    for (const auto& stage : baseStages) {
        Stage blocks;
        for (int64_t layer = 0; layer < deepen(stage.layers); ++layer) {
            InvertedResidualOptions options;
            options.in = layer == 0 ? widen(stage.in) : widen(stage.out);
            options.out = widen(stage.out);
            options.expanded = makeDivisible(static_cast<double>(options.in * stage.expandRatio));
            options.kernel = stage.kernel;
            options.stride = layer == 0 ? stage.stride : 1;
            options.activation = Activation::SiLU;
            options.squeezeChannels = std::max<int64_t>(1, options.in / 4);
            options.squeezeActivation = Activation::SiLU;
            options.squeezeGate = Activation::Sigmoid;
            options.stochasticDepth = maxStochasticDepth * static_cast<double>(blockIndex) /
                                      static_cast<double>(totalBlocks);
            blocks->push_back(InvertedResidual(options));
            ++blockIndex;
        }
        features->push_back(blocks);
    }
    const int64_t lastIn = widen(baseStages.back().out);
    const int64_t lastConv = 4 * lastIn;
    features->push_back(ConvNormActivation(
        ConvNormActivationOptions{lastIn, lastConv, 1, 1, 1, Activation::SiLU, {}}));
    features_ = register_module("features", features);

    torch::nn::Linear head(lastConv, classes);
    classifier_ = register_module("classifier",
                                  torch::nn::Sequential(torch::nn::Dropout(scale.dropout), head));

    initialiseLikeTorchvision(*this);
    at::NoGradGuard noGrad;
    const double range = 1.0 / std::sqrt(static_cast<double>(classes));
    torch::nn::init::uniform_(head->weight, -range, range);
    torch::nn::init::zeros_(head->bias);
}

torch::Tensor EfficientNet::features(torch::Tensor images) {
    return features_->forward(images);
}

torch::Tensor EfficientNet::classify(torch::Tensor featureMaps) {
    return classifier_->forward(featureMaps.mean({2, 3}));
}

int EfficientNet::appendLayers(LayerGraph& graph) const {
    int x = describeBlocks(graph, *features_, LayerGraph::kInput);
    x = graph.flatten(graph.adaptiveAvgPool(1, 1, x));
    // classifier: Dropout (the identity in eval mode), Linear.
    return graph.linear(*classifier_->ptr(1)->as<torch::nn::Linear>(), x);
}

std::string EfficientNet::architecture() const {
    switch (variant_) {
    case Variant::B0:
        return "efficientnet_b0";
    case Variant::B1:
        return "efficientnet_b1";
    case Variant::B2:
        return "efficientnet_b2";
    case Variant::B3:
        return "efficientnet_b3";
    }
    return "efficientnet";
}

} // namespace kestrel::models
