#include "models/small_cnn.h"

#include <array>

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/pooling.h>

namespace kestrel::models {

namespace {

void addConvBlock(torch::nn::Sequential& layers, int in, int out) {
    layers->push_back(
        torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1).bias(false)));
    layers->push_back(torch::nn::BatchNorm2d(out));
    layers->push_back(torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)));
}

} // namespace

SmallCnn::SmallCnn(int classes, int inputChannels) {
    constexpr std::array<int, 3> widths = {16, 32, 64};
    torch::nn::Sequential layers;
    int channels = inputChannels;
    for (int width : widths) {
        addConvBlock(layers, channels, width);
        addConvBlock(layers, width, width);
        layers->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)));
        channels = width;
    }
    features_ = register_module("features", layers);
    fc_ = register_module("fc", torch::nn::Linear(channels, classes));

    // He initialisation for ReLU networks, as torchvision's ResNets do.
    for (auto& module : modules(/*include_self=*/false)) {
        if (auto* conv = module->as<torch::nn::Conv2d>()) {
            torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
        }
    }
}

torch::Tensor SmallCnn::forward(torch::Tensor images) {
    auto x = features_->forward(images);
    x = x.mean({2, 3});
    x = torch::dropout(x, 0.2, is_training());
    return fc_->forward(x);
}

} // namespace kestrel::models
