#pragma once

#include "models/batch_norm.h"
#include "models/classifier.h"
#include "models/mobilenet_v3.h"

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>

namespace kestrel::models {

// torchvision's LRASPPHead ("classifier"): from the backbone's 960-channel map at 1/16, a
// 1x1 conv + batch norm + ReLU ("cbr") scaled channel-wise by a global-average gate
// ("scale": pool, 1x1 conv, sigmoid), upsampled to the 40-channel map at 1/8; one 1x1 conv
// to class logits from each ("high_classifier", "low_classifier"), added.
class LRASPPHeadImpl : public torch::nn::Module {
public:
    LRASPPHeadImpl(int64_t lowChannels, int64_t highChannels, int classes, int64_t inner = 128);
    torch::Tensor forward(const torch::Tensor& low, const torch::Tensor& high);
    int appendLayers(LayerGraph& graph, int low, int high) const;

private:
    torch::nn::Conv2d cbrConv_{nullptr};
    BatchNorm2d cbrNorm_{nullptr};
    torch::nn::Conv2d scaleConv_{nullptr};
    torch::nn::Conv2d lowClassifier_{nullptr};
    torch::nn::Conv2d highClassifier_{nullptr};
};
TORCH_MODULE(LRASPPHead);

// "lraspp_mobilenet_v3_large": torchvision's LR-ASPP (Howard et al. 2019, "Searching for
// MobileNetV3") on a dilated MobileNetV3-Large ("backbone", output stride 16) with its
// parameter names, so torchvision's state_dicts load key for key. features() is the head's
// logits at 1/8 of the input, classify() their bilinear upsampling to the input's size.
// Heights and widths must be multiples of 16 (kSizeMultiple), so that both upsamplings are
// exact doublings.
class LRASPP : public Classifier {
public:
    static constexpr int kSizeMultiple = 16;

    LRASPP(int classes, int inputChannels);

    // Throws kestrel::Error (InvalidArgument) naming the size when the images' height or width
    // is not a multiple of kSizeMultiple.
    torch::Tensor features(torch::Tensor images) override;
    torch::Tensor classify(torch::Tensor featureMaps) override;
    std::string architecture() const override { return "lraspp_mobilenet_v3_large"; }
    // The whole head: its two classifiers both change with the class count.
    std::string headName() const override { return "classifier"; }
    std::string stemName() const override { return "backbone.0.0"; }
    // ImageNet weights of mobilenet_v3_large start the backbone (as torchvision's
    // weights_backbone); the head starts fresh.
    Classifier* pretrainedBackbone() override { return imagenetBackbone_.get(); }
    int appendLayers(LayerGraph& graph) const override;

private:
    torch::nn::Sequential backbone_{nullptr};
    // backbone_ under MobileNetV3's own names, for pretrainedBackbone(); not a submodule.
    std::shared_ptr<MobileNetV3> imagenetBackbone_;
    LRASPPHead head_{nullptr};
};

} // namespace kestrel::models
