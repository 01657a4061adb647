#pragma once

#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

namespace kestrel::models {

class LayerGraph;

// A classifier's convolutional part seen as a detector's backbone: its feature maps at
// strides 4, 8, 16 and 32, which a feature pyramid joins (FcosDetector). ResNet gives its
// layer1-4; MobileNetV3 the last block before each stride.
class PyramidBackbone {
public:
    static constexpr int kLevels = 4;

    virtual ~PyramidBackbone() = default;
    // The maps at strides 4, 8, 16 and 32 for `images`, finest first.
    virtual std::vector<at::Tensor> pyramid(at::Tensor images) = 0;
    // The same, written into `graph` from its input; returns their values.
    virtual std::vector<int> appendPyramid(LayerGraph& graph) const = 0;
    // Channels of each map, finest first.
    virtual std::vector<int64_t> pyramidChannels() const = 0;
    // Whether torchvision's ImageNet file for the classifier fits (a narrowed ResNet does not).
    virtual bool fitsTorchvisionWeights() const { return true; }
};

} // namespace kestrel::models
