#pragma once

#include "models/batch_norm.h"
#include "models/classifier.h"
#include "models/pyramid_backbone.h"

#include <array>
#include <vector>

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

namespace kestrel::models {

// torchvision's ResNet (v1.5: the stride sits in the 3x3 convolution of a bottleneck).
// resnet18/34 stack basic blocks (two 3x3), resnet50 bottlenecks (1x1, 3x3, 1x1 x4);
// wide_resnet50_2 is resnet50 with bottlenecks twice as wide inside (torchvision's
// width_per_group=128), the backbone anomaly detection papers use.
//
// `baseWidth` below torchvision's 64 narrows every stage alike (stem and layer1 at baseWidth,
// layer4 at 8 x baseWidth): a backbone for a small fast detector, which no ImageNet file fits.
class ResNet : public Classifier, public PyramidBackbone {
public:
    enum class Depth { R18, R34, R50, WideR50 };

    static constexpr int64_t kTorchvisionWidth = 64;

    ResNet(Depth depth, int classes, int inputChannels, int64_t baseWidth = kTorchvisionWidth);

    torch::Tensor features(torch::Tensor images) override;
    torch::Tensor classify(torch::Tensor featureMaps) override;
    std::string architecture() const override;
    std::string headName() const override { return "fc"; }
    std::string stemName() const override { return "conv1"; }
    int appendLayers(LayerGraph& graph) const override;

    // The outputs of layer1 .. layer`last` (1-4) for `images`, in order: the intermediate
    // feature maps anomaly detection compares.
    std::vector<torch::Tensor> stages(torch::Tensor images, int last);
    // The same, written into `graph` from its input; returns the values of layer1 .. layer`last`.
    std::vector<int> appendStages(LayerGraph& graph, int last) const;
    // Channels of layer`stage`'s output (1-4).
    int64_t stageChannels(int stage) const;
    // PyramidBackbone: layer1-4. Only torchvision's widths fit its ImageNet files.
    std::vector<at::Tensor> pyramid(at::Tensor images) override { return stages(images, 4); }
    std::vector<int> appendPyramid(LayerGraph& graph) const override {
        return appendStages(graph, 4);
    }
    std::vector<int64_t> pyramidChannels() const override;
    bool fitsTorchvisionWeights() const override { return baseWidth_ == kTorchvisionWidth; }

private:
    Depth depth_;
    int64_t baseWidth_;
    torch::nn::Conv2d conv1_{nullptr};
    BatchNorm2d bn1_{nullptr};
    std::array<torch::nn::Sequential, 4> layers_;
    torch::nn::Linear fc_{nullptr};
};

} // namespace kestrel::models
