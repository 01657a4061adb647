#pragma once

#include "models/batch_norm.h"
#include "models/classifier.h"
#include "models/pyramid_backbone.h"
#include "models/resnet.h"

#include <array>
#include <memory>
#include <string>
#include <vector>

#include <torch/nn/modules/conv.h>

namespace kestrel::models {

// A single-stage, anchor-free detector as FCOS builds it (Tian et al., 2019; torchvision's
// FCOS): a backbone's maps at strides 4, 8, 16 and 32 (a ResNet's layer1-4, or MobileNetV3's
// last block at each stride: PyramidBackbone) into a feature pyramid (torchvision's
// FeaturePyramidNetwork: 1x1 laterals, nearest top-down sums, 3x3 outputs) and one head
// shared by the levels: a classification tower to per-class logits, a regression tower to
// the four side distances and the centreness.
//
// Different from torchvision's, for small defects and for export: the stride-4 level
// instead of its P6/P7 (defects are a few pixels; images a few hundred), and batch norms
// per level after each tower convolution instead of a shared GroupNorm (they fold into the
// convolutions, so the exported graph is convolutions only). The backbone keeps
// torchvision's names under "backbone." ("backbone.layer1.0.conv1", "backbone.features.1").
//
// forward() gives the raw outputs N x (K + 5) x A for A cells, the levels in order and each
// row-major (tasks::cellCentres's order): K class logits, the left, top, right and bottom
// distances from the cell's point in strides (>= 0), then the centreness logit.
class FcosDetector : public Classifier {
public:
    static constexpr int kLevels = PyramidBackbone::kLevels;
    static constexpr int kSizeMultiple = 32; // the coarsest stride: levels line up exactly

    // What a detector is built on. The registry's names: fcos_resnet18/34/50 and
    // fcos_mobilenet_v3_large on torchvision's backbones; fcos_small, ResNet-18 at half
    // width, which trains 2.5 times as fast on a CPU.
    struct Shape {
        enum class Backbone { ResNet, MobileNetV3Large };

        std::string name;
        Backbone backbone = Backbone::ResNet;
        ResNet::Depth depth = ResNet::Depth::R18;          // a ResNet's
        int64_t backboneWidth = ResNet::kTorchvisionWidth; // a ResNet's stem channels
        // `towerConvs` 3x3 convolution + batch norm + ReLU blocks per tower (torchvision: 4),
        // at `pyramidChannels` (torchvision: 256).
        int64_t pyramidChannels = 64;
        int towerConvs = 2;
    };

    FcosDetector(Shape shape, int classes, int inputChannels);

    // The whole network: detection has no pooled feature map to explain (no Grad-CAM), so
    // features() is the raw output and classify() passes it on.
    torch::Tensor features(torch::Tensor images) override;
    torch::Tensor classify(torch::Tensor raw) override { return raw; }
    std::string architecture() const override;
    std::string headName() const override { return "class_logits"; }
    std::string stemName() const override { return "backbone.conv1"; }
    // ImageNet weights start the backbone (when torchvision's file fits it); the pyramid and
    // the towers start fresh.
    Classifier* pretrainedBackbone() override {
        return pyramid_->fitsTorchvisionWeights() ? backbone_.get() : nullptr;
    }
    int appendLayers(LayerGraph& graph) const override;

    int classes() const { return classes_; }
    // Each level's stride, finest first.
    static const std::array<int, kLevels>& strides();

private:
    struct Tower {
        std::vector<torch::nn::Conv2d> convs;        // shared by the levels
        std::vector<std::vector<BatchNorm2d>> norms; // [level][conv]
    };
    Tower makeTower(const std::string& name, int64_t channels, int convs);
    static torch::Tensor runTower(Tower& tower, torch::Tensor x, size_t level);

    std::string name_;
    int classes_;
    std::shared_ptr<Classifier> backbone_; // registered as "backbone"
    PyramidBackbone* pyramid_ = nullptr;   // the same object
    std::vector<torch::nn::Conv2d> laterals_;
    std::vector<torch::nn::Conv2d> outputs_;
    Tower classTower_;
    Tower boxTower_;
    torch::nn::Conv2d classLogits_{nullptr};
    torch::nn::Conv2d boxDistances_{nullptr};
    torch::nn::Conv2d centreness_{nullptr};
};

} // namespace kestrel::models
