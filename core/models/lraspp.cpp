#include "models/lraspp.h"

#include "models/layer_graph.h"
#include "models/mobilenet_v3.h"
#include "models/segmenter_setup.h"
#include "models/torchvision_layers.h"

#include <ATen/ops/relu.h>
#include <ATen/ops/sigmoid.h>
#include <ATen/ops/upsample_bilinear2d.h>
#include <torch/nn/init.h>
#include <torch/nn/modules/linear.h>

namespace kestrel::models {

namespace {

// torchvision's _lraspp_mobilenetv3: the low-level map is that of the backbone's block that
// brings the output stride to 8 ("features.4", 40 channels), the high-level map the last
// one's (960 channels at 1/16 once dilated).
constexpr std::size_t kLowBlock = 4;
constexpr int64_t kLowChannels = 40;
constexpr int64_t kHighChannels = 960;

void checkLrasppSize(int64_t height, int64_t width) {
    requireSidesMultipleOf("lraspp_mobilenet_v3_large", LRASPP::kSizeMultiple, height, width);
}

torch::Tensor upsampleTo(const torch::Tensor& x, int64_t height, int64_t width) {
    return at::upsample_bilinear2d(x, {height, width}, /*align_corners=*/false);
}

} // namespace

LRASPPHeadImpl::LRASPPHeadImpl(int64_t lowChannels, int64_t highChannels, int classes,
                               int64_t inner) {
    // Registered as torchvision names them: cbr.0 / cbr.1, scale.1, low_ and high_classifier.
    cbrConv_ = torch::nn::Conv2d(torch::nn::Conv2dOptions(highChannels, inner, 1).bias(false));
    cbrNorm_ = BatchNorm2d(inner);
    register_module("cbr", torch::nn::Sequential(cbrConv_, cbrNorm_));
    // scale.0 (the pool) and scale.2 (the sigmoid) hold no parameters: an identity stands in
    // at index 0 so that the conv keeps torchvision's index 1.
    scaleConv_ = torch::nn::Conv2d(torch::nn::Conv2dOptions(highChannels, inner, 1).bias(false));
    register_module("scale", torch::nn::Sequential(torch::nn::Identity(), scaleConv_));
    lowClassifier_ = register_module(
        "low_classifier", torch::nn::Conv2d(torch::nn::Conv2dOptions(lowChannels, classes, 1)));
    highClassifier_ = register_module(
        "high_classifier", torch::nn::Conv2d(torch::nn::Conv2dOptions(inner, classes, 1)));
    setBackgroundPrior(lowClassifier_->bias, classes); // as the U-Net starts
}

torch::Tensor LRASPPHeadImpl::forward(const torch::Tensor& low, const torch::Tensor& high) {
    torch::Tensor x = at::relu(cbrNorm_->forward(cbrConv_->forward(high)));
    const torch::Tensor gate = at::sigmoid(scaleConv_->forward(high.mean({2, 3}, true)));
    x = upsampleTo(x * gate, low.size(2), low.size(3));
    return lowClassifier_->forward(low) + highClassifier_->forward(x);
}

int LRASPPHeadImpl::appendLayers(LayerGraph& graph, int low, int high) const {
    int x = graph.activation(Activation::ReLU, graph.convNorm(*cbrConv_, *cbrNorm_, high));
    const int gate = graph.activation(Activation::Sigmoid,
                                      graph.conv(*scaleConv_, graph.adaptiveAvgPool(1, 1, high)));
    const ValueShape lowShape = graph.shape(low); // a copy: appending moves the shapes
    x = graph.resizeBilinear(lowShape.height, lowShape.width, graph.mul(x, gate));
    return graph.add(graph.conv(*lowClassifier_, low), graph.conv(*highClassifier_, x));
}

LRASPP::LRASPP(int classes, int inputChannels) {
    backbone_ = register_module(
        "backbone", MobileNetV3::makeFeatures(MobileNetV3::Size::Large, inputChannels, true));
    head_ = register_module("classifier",
                            LRASPPHead(kLowChannels, kHighChannels, classes, int64_t{128}));
    initialiseLikeTorchvision(*backbone_);
    imagenetBackbone_ = std::make_shared<MobileNetV3>(MobileNetV3::Size::Large, backbone_);
}

torch::Tensor LRASPP::features(torch::Tensor images) {
    checkLrasppSize(images.size(-2), images.size(-1));
    torch::Tensor x = images;
    torch::Tensor low;
    std::size_t index = 0;
    for (const auto& block : backbone_->children()) {
        x = block->as<ConvNormActivationImpl>() ? block->as<ConvNormActivationImpl>()->forward(x)
                                                : block->as<InvertedResidualImpl>()->forward(x);
        if (index++ == kLowBlock) {
            low = x;
        }
    }
    return head_->forward(low, x);
}

torch::Tensor LRASPP::classify(torch::Tensor featureMaps) {
    // The head's maps are at 1/8 of the input (exactly, for sides that are multiples of 16).
    return upsampleTo(featureMaps, featureMaps.size(2) * 8, featureMaps.size(3) * 8);
}

int LRASPP::appendLayers(LayerGraph& graph) const {
    const ValueShape input = graph.shape(LayerGraph::kInput); // a copy: appending moves it
    checkLrasppSize(input.height, input.width);
    int x = LayerGraph::kInput;
    int low = x;
    std::size_t index = 0;
    for (const auto& block : backbone_->children()) {
        x = block->as<ConvNormActivationImpl>()
                ? block->as<ConvNormActivationImpl>()->appendLayers(graph, x)
                : block->as<InvertedResidualImpl>()->appendLayers(graph, x);
        if (index++ == kLowBlock) {
            low = x;
        }
    }
    return graph.resizeBilinear(input.height, input.width, head_->appendLayers(graph, low, x));
}

} // namespace kestrel::models
