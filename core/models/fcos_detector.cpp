#include "models/fcos_detector.h"

#include "models/layer_graph.h"
#include "models/mobilenet_v3.h"

#include <cmath>
#include <string>
#include <utility>

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/init.h>

namespace kestrel::models {

namespace {

torch::nn::Conv2d convolution(int64_t in, int64_t out, int64_t kernel) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(kernel / 2));
}

// torchvision's FCOS initialisation of its head: normal(0, 0.01) weights, constant biases.
void initialiseHeadConv(const torch::nn::Conv2d& conv, double bias = 0.0) {
    torch::NoGradGuard noGrad;
    torch::nn::init::normal_(conv->weight, 0.0, 0.01);
    torch::nn::init::constant_(conv->bias, bias);
}

// The backbone `shape` names, under torchvision's names.
std::shared_ptr<Classifier> makeBackbone(const FcosDetector::Shape& shape, int inputChannels) {
    switch (shape.backbone) {
    case FcosDetector::Shape::Backbone::MobileNetV3Large:
        return std::make_shared<MobileNetV3>(MobileNetV3::Size::Large, inputChannels);
    case FcosDetector::Shape::Backbone::ResNet:
        break;
    }
    // The classifier's own head (fc) is never run; one class keeps it small.
    return std::make_shared<ResNet>(shape.depth, 1, inputChannels, shape.backboneWidth);
}

// [N, C, H, W] to [N, C, H * W]: the cells row-major, as tasks::cellCentres lists them.
torch::Tensor cellsLast(const torch::Tensor& map) {
    return map.flatten(2);
}

} // namespace

const std::array<int, FcosDetector::kLevels>& FcosDetector::strides() {
    static const std::array<int, kLevels> values = {4, 8, 16, 32};
    return values;
}

FcosDetector::FcosDetector(Shape shape, int classes, int inputChannels)
    : name_(std::move(shape.name)), classes_(classes) {
    const int64_t pyramidChannels = shape.pyramidChannels;
    backbone_ = register_module("backbone", makeBackbone(shape, inputChannels));
    pyramid_ = dynamic_cast<PyramidBackbone*>(backbone_.get());
    const std::vector<int64_t> backboneChannels = pyramid_->pyramidChannels();
    for (int level = 0; level < kLevels; ++level) {
        const std::string index = std::to_string(level);
        laterals_.push_back(register_module(
            "fpn_lateral" + index,
            convolution(backboneChannels[static_cast<size_t>(level)], pyramidChannels, 1)));
        outputs_.push_back(register_module("fpn_output" + index,
                                           convolution(pyramidChannels, pyramidChannels, 3)));
    }
    classTower_ = makeTower("class_tower", pyramidChannels, shape.towerConvs);
    boxTower_ = makeTower("box_tower", pyramidChannels, shape.towerConvs);
    classLogits_ = register_module("class_logits", convolution(pyramidChannels, classes, 3));
    boxDistances_ = register_module("box_distances", convolution(pyramidChannels, 4, 3));
    centreness_ = register_module("centreness", convolution(pyramidChannels, 1, 3));
    // A prior of 1% foreground, so that the focal loss does not start swamped by background.
    initialiseHeadConv(classLogits_, -std::log((1.0 - 0.01) / 0.01));
    initialiseHeadConv(boxDistances_);
    initialiseHeadConv(centreness_);
}

FcosDetector::Tower FcosDetector::makeTower(const std::string& name, int64_t channels, int convs) {
    Tower tower;
    tower.norms.resize(kLevels);
    for (int i = 0; i < convs; ++i) {
        const std::string index = std::to_string(i);
        torch::nn::Conv2d conv = convolution(channels, channels, 3);
        initialiseHeadConv(conv);
        tower.convs.push_back(register_module(name + "_conv" + index, conv));
        for (int level = 0; level < kLevels; ++level) {
            tower.norms[static_cast<size_t>(level)].push_back(
                register_module(name + "_norm" + std::to_string(level) + "_" + index,
                                BatchNorm2d(torch::nn::BatchNorm2dOptions(channels))));
        }
    }
    return tower;
}

torch::Tensor FcosDetector::runTower(Tower& tower, torch::Tensor x, size_t level) {
    for (size_t i = 0; i < tower.convs.size(); ++i) {
        x = torch::relu(tower.norms[level][i]->forward(tower.convs[i]->forward(x)));
    }
    return x;
}

torch::Tensor FcosDetector::features(torch::Tensor images) {
    namespace F = torch::nn::functional;
    const std::vector<torch::Tensor> stages = pyramid_->pyramid(std::move(images));
    // Top-down: the coarsest lateral first, each finer one plus the nearest upsampling.
    std::vector<torch::Tensor> pyramid(kLevels);
    torch::Tensor inner = laterals_.back()->forward(stages.back());
    pyramid.back() = outputs_.back()->forward(inner);
    for (int level = kLevels - 2; level >= 0; --level) {
        const auto at = static_cast<size_t>(level);
        const torch::Tensor lateral = laterals_[at]->forward(stages[at]);
        inner =
            lateral +
            F::interpolate(inner, F::InterpolateFuncOptions()
                                      .size(std::vector<int64_t>{lateral.size(2), lateral.size(3)})
                                      .mode(torch::kNearest));
        pyramid[at] = outputs_[at]->forward(inner);
    }
    std::vector<torch::Tensor> levels;
    for (size_t level = 0; level < pyramid.size(); ++level) {
        const torch::Tensor classFeatures = runTower(classTower_, pyramid[level], level);
        const torch::Tensor boxFeatures = runTower(boxTower_, pyramid[level], level);
        levels.push_back(cellsLast(torch::cat({classLogits_->forward(classFeatures),
                                               torch::relu(boxDistances_->forward(boxFeatures)),
                                               centreness_->forward(boxFeatures)},
                                              1)));
    }
    return torch::cat(levels, 2);
}

std::string FcosDetector::architecture() const {
    return name_;
}

int FcosDetector::appendLayers(LayerGraph& graph) const {
    const std::vector<int> stages = pyramid_->appendPyramid(graph);
    std::vector<int> pyramid(kLevels);
    int inner = graph.conv(*laterals_.back(), stages.back());
    pyramid.back() = graph.conv(*outputs_.back(), inner);
    for (int level = kLevels - 2; level >= 0; --level) {
        const auto at = static_cast<size_t>(level);
        const int lateral = graph.conv(*laterals_[at], stages[at]);
        const ValueShape& size = graph.shape(lateral);
        inner = graph.add(lateral, graph.resizeNearest(size.height, size.width, inner));
        pyramid[at] = graph.conv(*outputs_[at], inner);
    }
    const auto tower = [&](const Tower& layers, int x, size_t level) {
        for (size_t i = 0; i < layers.convs.size(); ++i) {
            x = graph.activation(Activation::ReLU,
                                 graph.convNorm(*layers.convs[i], *layers.norms[level][i], x));
        }
        return x;
    };
    int cells = -1;
    for (size_t level = 0; level < pyramid.size(); ++level) {
        const int classFeatures = tower(classTower_, pyramid[level], level);
        const int boxFeatures = tower(boxTower_, pyramid[level], level);
        const int outputs =
            graph.concat(graph.concat(graph.conv(*classLogits_, classFeatures),
                                      graph.activation(Activation::ReLU,
                                                       graph.conv(*boxDistances_, boxFeatures))),
                         graph.conv(*centreness_, boxFeatures));
        const int flat = graph.flattenCells(outputs);
        cells = cells < 0 ? flat : graph.concatRows(cells, flat);
    }
    return cells;
}

} // namespace kestrel::models
