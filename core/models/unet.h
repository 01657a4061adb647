#pragma once

#include "models/classifier.h"

#include <array>

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>

namespace kestrel::models {

// "unet": a small U-Net for segmentation on CPUs and small images. Four levels of two
// 3x3 conv + batch-norm + ReLU (16, 32, 64 and 128 channels; the last is the bottleneck)
// with 2x2 max-pools between them; the decoder upsamples with 2x2 stride-2 transposed
// convolutions, concatenates the encoder's map of that level (skip first, then the upsampled
// one) and applies two more conv blocks. features() is the last decoder block (N x 16 x H x W),
// classify() a 1x1 convolution "classifier" to N x classes x H x W logits. Heights and widths
// must be multiples of 8 (kSizeMultiple), so that the skips line up.
class UNet : public Classifier {
public:
    static constexpr int kSizeMultiple = 8;

    UNet(int classes, int inputChannels);

    // Throws kestrel::Error (InvalidArgument) naming the size when the images' height or width
    // is not a multiple of kSizeMultiple.
    torch::Tensor features(torch::Tensor images) override;
    torch::Tensor classify(torch::Tensor featureMaps) override;
    std::string architecture() const override { return "unet"; }
    std::string headName() const override { return "classifier"; }
    std::string stemName() const override { return "enc1.0"; }
    int appendLayers(LayerGraph& graph) const override;

private:
    static constexpr int kLevels = 4;
    // enc1 .. enc4 (full resolution down to 1/8), up3 .. up1 and dec3 .. dec1 by the level
    // they produce (index 0 is level 1).
    std::array<torch::nn::Sequential, kLevels> encoders_;
    std::array<torch::nn::ConvTranspose2d, kLevels - 1> upsamples_{nullptr, nullptr, nullptr};
    std::array<torch::nn::Sequential, kLevels - 1> decoders_;
    torch::nn::Conv2d classifier_{nullptr};
};

} // namespace kestrel::models
