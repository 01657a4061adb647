#include "models/small_cnn.h"

#include "common/error.h"
#include "models/batch_norm.h"
#include "models/layer_graph.h"

#include <array>

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/pooling.h>

namespace kestrel::models {

namespace {

void addConvBlock(torch::nn::Sequential& layers, int in, int out) {
    layers->push_back(
        torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1).bias(false)));
    layers->push_back(BatchNorm2d(out));
    layers->push_back(torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)));
}

} // namespace

SmallCnn::SmallCnn(int classes, int inputChannels) {
    // Widths and depths chosen on Fashion-MNIST for accuracy per CPU second: one conv at full
    // resolution (where convolutions cost the most), two in each later stage.
    constexpr std::array<int, 3> widths = {24, 48, 128};
    torch::nn::Sequential layers;
    int channels = inputChannels;
    for (std::size_t stage = 0; stage < widths.size(); ++stage) {
        addConvBlock(layers, channels, widths[stage]);
        if (stage > 0) {
            addConvBlock(layers, widths[stage], widths[stage]);
        }
        layers->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)));
        channels = widths[stage];
    }
    features_ = register_module("features", layers);
    fc_ = register_module("fc", torch::nn::Linear(channels * kPooledSide * kPooledSide, classes));

    // He initialisation for ReLU networks, as torchvision's ResNets do.
    for (auto& module : modules(/*include_self=*/false)) {
        if (auto* conv = module->as<torch::nn::Conv2d>()) {
            torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
        }
    }
}

// The feature maps are the last convolution block's, before its 2x2 max-pool (Grad-CAM
// takes VGG's conv5_3, before pool5, the same way): stride 4 rather than 8, so the heat map
// of a 32 px image comes from an 8x8 grid instead of 4x4. That max-pool runs in classify().
torch::Tensor SmallCnn::features(torch::Tensor images) {
    const auto lastPool = features_->end() - 1;
    for (auto layer = features_->begin(); layer != lastPool; ++layer) {
        images = layer->forward(images);
    }
    return images;
}

torch::Tensor SmallCnn::classify(torch::Tensor featureMaps) {
    auto x = (features_->end() - 1)->forward(featureMaps);
    // A coarse 3x3 grid rather than one global average: where a feature is (a collar, a
    // sole) tells classes apart. Any input size pools to the same grid.
    x = torch::adaptive_avg_pool2d(x, {kPooledSide, kPooledSide}).flatten(1);
    x = torch::dropout(x, 0.1, is_training());
    return fc_->forward(x);
}

int SmallCnn::appendLayers(LayerGraph& graph) const {
    int x = LayerGraph::kInput;
    const auto layers = features_->children();
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const auto& layer = layers[i];
        if (const auto* conv = layer->as<torch::nn::Conv2d>()) {
            const auto* norm =
                i + 1 < layers.size() ? layers[i + 1]->as<torch::nn::BatchNorm2d>() : nullptr;
            x = norm ? graph.convNorm(*conv, *norm, x) : graph.conv(*conv, x);
            i += norm ? 1 : 0;
        } else if (layer->as<torch::nn::ReLU>()) {
            x = graph.activation(Activation::ReLU, x);
        } else if (const auto* pool = layer->as<torch::nn::MaxPool2d>()) {
            const auto& options = pool->options;
            x = graph.maxPool((*options.kernel_size())[0], (*options.stride())[0],
                              (*options.padding())[0], x);
        } else {
            throw Error(ErrorKind::InvalidArgument,
                        "A " + layer->name() + " layer in smallcnn cannot be exported.");
        }
    }
    x = graph.flatten(graph.adaptiveAvgPool(kPooledSide, kPooledSide, x));
    return graph.linear(*fc_, x); // dropout is the identity in eval mode
}

} // namespace kestrel::models
