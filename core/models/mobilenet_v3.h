#pragma once

#include "models/classifier.h"
#include "models/pyramid_backbone.h"

#include <cstddef>
#include <vector>

#include <torch/nn/modules/container/sequential.h>

namespace kestrel::models {

// torchvision's MobileNetV3 (width 1.0): inverted residuals with squeeze-excitation and
// hard-swish, batch norm with eps 1e-3 and momentum 0.01, then a two-layer classifier with
// dropout 0.2. "features", "classifier" and every name below them match torchvision's.
class MobileNetV3 : public Classifier, public PyramidBackbone {
public:
    enum class Size { Small, Large };

    // The "features" sequence alone: the stem, the inverted residuals and the last 1x1 conv
    // (960 channels for Large). With `dilated`, the last stage's three blocks dilate by 2
    // instead of striding (torchvision's dilated=True): an output stride of 16, not 32, as
    // its segmentation models use it.
    static torch::nn::Sequential makeFeatures(Size size, int inputChannels, bool dilated);

    MobileNetV3(Size size, int classes, int inputChannels);
    // "features" alone, as a detector's backbone: no classifier to train or keep, and
    // torchvision's ImageNet files load without theirs.
    MobileNetV3(Size size, int inputChannels);
    // A view of `features` built elsewhere (a segmenter's dilated backbone), sharing its
    // tensors: torchvision's ImageNet files load into them by its classifier's names.
    MobileNetV3(Size size, torch::nn::Sequential features);

    torch::Tensor features(torch::Tensor images) override;
    torch::Tensor classify(torch::Tensor featureMaps) override;
    std::string architecture() const override;
    std::string headName() const override { return "classifier.3"; }
    std::string stemName() const override { return "features.0.0"; }
    int appendLayers(LayerGraph& graph) const override;

    // PyramidBackbone: the last block at each of strides 4-32 (Large: 24, 40, 112 and the
    // last convolution's 960 channels).
    std::vector<at::Tensor> pyramid(at::Tensor images) override;
    std::vector<int> appendPyramid(LayerGraph& graph) const override;
    std::vector<int64_t> pyramidChannels() const override;

private:
    void requireClassifier() const;
    // The index in "features" of each pyramid map.
    std::vector<std::size_t> pyramidTaps() const;

    Size size_;
    torch::nn::Sequential features_{nullptr};
    torch::nn::Sequential classifier_{nullptr};
};

} // namespace kestrel::models
