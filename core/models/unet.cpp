#include "models/unet.h"

#include "models/batch_norm.h"
#include "models/layer_graph.h"
#include "models/segmenter_setup.h"

#include <ATen/core/grad_mode.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/max_pool2d.h>
#include <torch/nn/init.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/pooling.h>

namespace kestrel::models {

namespace {

constexpr std::array<int64_t, 4> kWidths = {16, 32, 64, 128};

// Two 3x3 conv + batch-norm + ReLU.
torch::nn::Sequential doubleConv(int64_t in, int64_t out) {
    torch::nn::Sequential block;
    for (const int64_t channels : {in, out}) {
        block->push_back(
            torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, out, 3).padding(1).bias(false)));
        block->push_back(BatchNorm2d(out));
        block->push_back(torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)));
    }
    return block;
}

void checkSize(int64_t height, int64_t width) {
    requireSidesMultipleOf("unet", UNet::kSizeMultiple, height, width);
}

// A block's conv + batch-norm pairs, folded, and its ReLUs.
int appendDoubleConv(LayerGraph& graph, const torch::nn::Sequential& block, int x) {
    const auto layers = block->children();
    for (std::size_t i = 0; i + 2 < layers.size(); i += 3) {
        x = graph.convNorm(*layers[i]->as<torch::nn::Conv2d>(),
                           *layers[i + 1]->as<torch::nn::BatchNorm2d>(), x);
        x = graph.activation(Activation::ReLU, x);
    }
    return x;
}

} // namespace

UNet::UNet(int classes, int inputChannels) {
    int64_t channels = inputChannels;
    for (int level = 0; level < kLevels; ++level) {
        encoders_[level] = register_module("enc" + std::to_string(level + 1),
                                           doubleConv(channels, kWidths[level]));
        channels = kWidths[level];
    }
    // Registered from the bottom up, in the order forward() runs them.
    for (int level = kLevels - 2; level >= 0; --level) {
        const std::string suffix = std::to_string(level + 1);
        upsamples_[level] = register_module(
            "up" + suffix, torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(
                                                          kWidths[level + 1], kWidths[level], 2)
                                                          .stride(2)));
        decoders_[level] =
            register_module("dec" + suffix, doubleConv(2 * kWidths[level], kWidths[level]));
    }
    classifier_ = register_module(
        "classifier", torch::nn::Conv2d(torch::nn::Conv2dOptions(kWidths[0], classes, 1)));

    // As torchvision initialises its ResNets: He (fan out) for every convolution, unit batch
    // norms.
    const at::NoGradGuard noGrad;
    for (auto& module : modules(/*include_self=*/false)) {
        if (auto* conv = module->as<torch::nn::Conv2d>()) {
            torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
            if (conv->bias.defined()) {
                torch::nn::init::zeros_(conv->bias);
            }
        } else if (auto* up = module->as<torch::nn::ConvTranspose2d>()) {
            torch::nn::init::kaiming_normal_(up->weight, 0.0, torch::kFanOut, torch::kReLU);
            torch::nn::init::zeros_(up->bias);
        } else if (auto* norm = module->as<torch::nn::BatchNorm2d>()) {
            torch::nn::init::ones_(norm->weight);
            torch::nn::init::zeros_(norm->bias);
        }
    }
    setBackgroundPrior(classifier_->bias, classes);
}

torch::Tensor UNet::features(torch::Tensor images) {
    checkSize(images.size(-2), images.size(-1));
    std::array<torch::Tensor, kLevels> skips;
    torch::Tensor x = images;
    for (int level = 0; level < kLevels; ++level) {
        x = encoders_[level]->forward(level == 0 ? x : at::max_pool2d(x, 2));
        skips[level] = x;
    }
    for (int level = kLevels - 2; level >= 0; --level) {
        x = decoders_[level]->forward(at::cat({skips[level], upsamples_[level]->forward(x)}, 1));
    }
    return x;
}

torch::Tensor UNet::classify(torch::Tensor featureMaps) {
    return classifier_->forward(featureMaps);
}

int UNet::appendLayers(LayerGraph& graph) const {
    const ValueShape& input = graph.shape(LayerGraph::kInput);
    checkSize(input.height, input.width);
    std::array<int, kLevels> skips{};
    int x = LayerGraph::kInput;
    for (int level = 0; level < kLevels; ++level) {
        x = appendDoubleConv(graph, encoders_[level], level == 0 ? x : graph.maxPool(2, 2, 0, x));
        skips[level] = x;
    }
    for (int level = kLevels - 2; level >= 0; --level) {
        x = appendDoubleConv(
            graph, decoders_[level],
            graph.concat(skips[level], graph.convTranspose(*upsamples_[level], x)));
    }
    return graph.conv(*classifier_, x);
}

} // namespace kestrel::models
