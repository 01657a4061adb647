#pragma once

#include "models/batch_norm.h"
#include "models/classifier.h"
#include "models/mobilenet_v3.h"

#include <array>

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>

namespace kestrel::models {

// torchvision's DeepLabHead ("classifier"): ASPP ("0": a 1x1 branch, three 3x3 branches
// dilated by 12, 24 and 36, and a global-average branch spread back over the map, each 256
// channels with batch norm and ReLU, concatenated and projected to 256 with dropout 0.5),
// then a 3x3 conv + batch norm + ReLU ("1", "2") and a 1x1 conv to class logits ("4").
class DeepLabHeadImpl : public torch::nn::Module {
public:
    DeepLabHeadImpl(int64_t inChannels, int classes, int64_t inner = 256);
    torch::Tensor forward(const torch::Tensor& x);
    int appendLayers(LayerGraph& graph, int input) const;

private:
    static constexpr std::size_t kBranches = 5; // 1x1, rates 12, 24, 36, pooling
    std::array<torch::nn::Conv2d, kBranches> branchConvs_{nullptr, nullptr, nullptr, nullptr,
                                                          nullptr};
    std::array<BatchNorm2d, kBranches> branchNorms_{nullptr, nullptr, nullptr, nullptr, nullptr};
    torch::nn::Conv2d projectConv_{nullptr};
    BatchNorm2d projectNorm_{nullptr};
    torch::nn::Dropout dropout_{nullptr};
    torch::nn::Conv2d conv_{nullptr};
    BatchNorm2d norm_{nullptr};
    torch::nn::Conv2d classifier_{nullptr};
};
TORCH_MODULE(DeepLabHead);

// "deeplabv3_mobilenet_v3_large": torchvision's DeepLabV3 (Chen et al. 2017) on a dilated
// MobileNetV3-Large ("backbone", output stride 16) with its parameter names, without the
// auxiliary classifier (torchvision adds it only with pretrained weights). features() is the
// head's logits at 1/16 of the input, classify() their bilinear upsampling to the input's
// size. Heights and widths must be multiples of 16 (kSizeMultiple).
class DeepLabV3 : public Classifier {
public:
    static constexpr int kSizeMultiple = 16;

    DeepLabV3(int classes, int inputChannels);

    // Throws kestrel::Error (InvalidArgument) naming the size when the images' height or width
    // is not a multiple of kSizeMultiple.
    torch::Tensor features(torch::Tensor images) override;
    torch::Tensor classify(torch::Tensor featureMaps) override;
    std::string architecture() const override { return "deeplabv3_mobilenet_v3_large"; }
    std::string headName() const override { return "classifier.4"; }
    std::string stemName() const override { return "backbone.0.0"; }
    // ImageNet weights of mobilenet_v3_large start the backbone (as torchvision's
    // weights_backbone); the head starts fresh.
    Classifier* pretrainedBackbone() override { return imagenetBackbone_.get(); }
    int appendLayers(LayerGraph& graph) const override;

private:
    torch::nn::Sequential backbone_{nullptr};
    // backbone_ under MobileNetV3's own names, for pretrainedBackbone(); not a submodule.
    std::shared_ptr<MobileNetV3> imagenetBackbone_;
    DeepLabHead head_{nullptr};
};

} // namespace kestrel::models
