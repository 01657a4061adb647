#pragma once

#include "models/classifier.h"

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

namespace kestrel::models {

// "smallcnn": the fast default for small images (parts cropped to 28-96 px). Three stages of
// 3x3 conv + batch-norm + ReLU (one, two and two convs; 24, 48 and 96 channels), each ending
// in a 2x2 max-pool, then average pooling to a 3x3 grid, dropout and a linear head. It
// works at any input size from 16 px up.
class SmallCnn : public Classifier {
public:
    SmallCnn(int classes, int inputChannels);

    torch::Tensor features(torch::Tensor images) override;
    torch::Tensor classify(torch::Tensor featureMaps) override;
    std::string architecture() const override { return "smallcnn"; }
    std::string headName() const override { return "fc"; }
    std::string stemName() const override { return "features.0"; }
    int appendLayers(LayerGraph& graph) const override;

private:
    static constexpr int kPooledSide = 3;
    torch::nn::Sequential features_{nullptr};
    torch::nn::Linear fc_{nullptr};
};

} // namespace kestrel::models
