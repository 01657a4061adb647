#pragma once

#include "models/classifier.h"

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

namespace kestrel::models {

// torchvision's EfficientNet B0-B3: MBConv stages (SiLU, squeeze-excitation, stochastic
// depth growing to 0.2 with depth) scaled in width and depth per variant, then dropout and
// a linear head. Batch norm keeps PyTorch's defaults for these four, as torchvision does
// (eps 1e-3 is only for B5-B7 and V2).
class EfficientNet : public Classifier {
public:
    enum class Variant { B0, B1, B2, B3 };

    EfficientNet(Variant variant, int classes, int inputChannels);

    torch::Tensor features(torch::Tensor images) override;
    torch::Tensor classify(torch::Tensor featureMaps) override;
    std::string architecture() const override;
    std::string headName() const override { return "classifier.1"; }
    std::string stemName() const override { return "features.0.0"; }
    int appendLayers(LayerGraph& graph) const override;

private:
    Variant variant_;
    torch::nn::Sequential features_{nullptr};
    torch::nn::Sequential classifier_{nullptr};
};

} // namespace kestrel::models
