#include "models/deeplabv3.h"

#include "models/layer_graph.h"
#include "models/mobilenet_v3.h"
#include "models/segmenter_setup.h"
#include "models/torchvision_layers.h"

#include <vector>

#include <ATen/ops/cat.h>
#include <ATen/ops/relu.h>
#include <ATen/ops/upsample_bilinear2d.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>

namespace kestrel::models {

namespace {

constexpr int64_t kBackboneChannels = 960; // MobileNetV3-Large's last conv
constexpr std::array<int64_t, 3> kAtrousRates = {12, 24, 36};

void checkDeepLabSize(int64_t height, int64_t width) {
    requireSidesMultipleOf("deeplabv3_mobilenet_v3_large", DeepLabV3::kSizeMultiple, height, width);
}

torch::Tensor upsampleBilinear(const torch::Tensor& x, int64_t height, int64_t width) {
    return at::upsample_bilinear2d(x, {height, width}, /*align_corners=*/false);
}

torch::nn::Conv2d plainConv(int64_t in, int64_t out, int64_t kernel, int64_t dilation = 1) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                                 .padding(dilation * (kernel - 1) / 2)
                                 .dilation(dilation)
                                 .bias(false));
}

} // namespace

DeepLabHeadImpl::DeepLabHeadImpl(int64_t inChannels, int classes, int64_t inner) {
    // Registered as torchvision names them: 0.convs.<branch>.<layer>, 0.project.{0,1}, 1, 2, 4.
    torch::nn::ModuleList convs;
    for (std::size_t branch = 0; branch < kBranches; ++branch) {
        const bool pooling = branch + 1 == kBranches;
        const int64_t dilation = branch == 0 || pooling ? 1 : kAtrousRates.at(branch - 1);
        branchConvs_[branch] = plainConv(inChannels, inner, dilation > 1 ? 3 : 1, dilation);
        branchNorms_[branch] = BatchNorm2d(inner);
        // The pooling branch's pool is its layer 0 in torchvision: an identity keeps the
        // conv's index.
        convs->push_back(pooling
                             ? torch::nn::Sequential(torch::nn::Identity(), branchConvs_[branch],
                                                     branchNorms_[branch])
                             : torch::nn::Sequential(branchConvs_[branch], branchNorms_[branch]));
    }
    projectConv_ = plainConv(static_cast<int64_t>(kBranches) * inner, inner, 1);
    projectNorm_ = BatchNorm2d(inner);
    dropout_ = torch::nn::Dropout(0.5);
    auto aspp = std::make_shared<torch::nn::Module>();
    aspp->register_module("convs", convs);
    // The dropout registered too, so that eval() reaches it.
    aspp->register_module(
        "project", torch::nn::Sequential(projectConv_, projectNorm_, torch::nn::ReLU(), dropout_));
    register_module("0", aspp);
    conv_ = register_module("1", plainConv(inner, inner, 3));
    norm_ = register_module("2", BatchNorm2d(inner));
    classifier_ =
        register_module("4", torch::nn::Conv2d(torch::nn::Conv2dOptions(inner, classes, 1)));
    setBackgroundPrior(classifier_->bias, classes); // as the U-Net starts
}

torch::Tensor DeepLabHeadImpl::forward(const torch::Tensor& x) {
    std::vector<torch::Tensor> branches;
    for (std::size_t branch = 0; branch + 1 < kBranches; ++branch) {
        branches.push_back(
            at::relu(branchNorms_[branch]->forward(branchConvs_[branch]->forward(x))));
    }
    const torch::Tensor pooled = at::relu(branchNorms_[kBranches - 1]->forward(
        branchConvs_[kBranches - 1]->forward(x.mean({2, 3}, true))));
    branches.push_back(upsampleBilinear(pooled, x.size(2), x.size(3)));
    torch::Tensor y = dropout_->forward(
        at::relu(projectNorm_->forward(projectConv_->forward(at::cat(branches, 1)))));
    y = at::relu(norm_->forward(conv_->forward(y)));
    return classifier_->forward(y);
}

int DeepLabHeadImpl::appendLayers(LayerGraph& graph, int input) const {
    const ValueShape in = graph.shape(input); // a copy: appending moves the shapes
    int joined = -1;
    for (std::size_t branch = 0; branch < kBranches; ++branch) {
        const bool pooling = branch + 1 == kBranches;
        int x = pooling ? graph.adaptiveAvgPool(1, 1, input) : input;
        x = graph.activation(Activation::ReLU,
                             graph.convNorm(*branchConvs_[branch], *branchNorms_[branch], x));
        if (pooling) {
            x = graph.resizeBilinear(in.height, in.width, x);
        }
        joined = joined < 0 ? x : graph.concat(joined, x);
    }
    // Dropout is the identity at inference.
    int y =
        graph.activation(Activation::ReLU, graph.convNorm(*projectConv_, *projectNorm_, joined));
    y = graph.activation(Activation::ReLU, graph.convNorm(*conv_, *norm_, y));
    return graph.conv(*classifier_, y);
}

DeepLabV3::DeepLabV3(int classes, int inputChannels) {
    backbone_ = register_module(
        "backbone", MobileNetV3::makeFeatures(MobileNetV3::Size::Large, inputChannels, true));
    head_ = register_module("classifier", DeepLabHead(kBackboneChannels, classes, int64_t{256}));
    initialiseLikeTorchvision(*backbone_);
    imagenetBackbone_ = std::make_shared<MobileNetV3>(MobileNetV3::Size::Large, backbone_);
}

torch::Tensor DeepLabV3::features(torch::Tensor images) {
    checkDeepLabSize(images.size(-2), images.size(-1));
    return head_->forward(backbone_->forward(images));
}

torch::Tensor DeepLabV3::classify(torch::Tensor featureMaps) {
    // The head's maps are at 1/16 of the input (exactly, for sides that are multiples of 16).
    return upsampleBilinear(featureMaps, featureMaps.size(2) * 16, featureMaps.size(3) * 16);
}

int DeepLabV3::appendLayers(LayerGraph& graph) const {
    const ValueShape input = graph.shape(LayerGraph::kInput); // a copy: appending moves it
    checkDeepLabSize(input.height, input.width);
    const int features = describeBlocks(graph, *backbone_, LayerGraph::kInput);
    return graph.resizeBilinear(input.height, input.width, head_->appendLayers(graph, features));
}

} // namespace kestrel::models
