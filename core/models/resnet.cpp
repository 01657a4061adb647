#include "models/resnet.h"

#include "models/layer_graph.h"
#include "models/torchvision_layers.h"

#include <string>

#include <ATen/ops/relu.h>
#include <torch/nn/functional/pooling.h>

namespace kestrel::models {

namespace {

torch::nn::Conv2d convolution(int64_t in, int64_t out, int64_t kernel, int64_t stride) {
    return torch::nn::Conv2d(
        torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false));
}

// The shortcut when a block changes width or size: "downsample" = [1x1 conv, batch norm].
torch::nn::Sequential downsample(int64_t in, int64_t out, int64_t stride) {
    return torch::nn::Sequential(convolution(in, out, 1, stride), BatchNorm2d(out));
}

int describeShortcut(LayerGraph& graph, const torch::nn::Sequential& downsample, int input) {
    if (!downsample) {
        return input;
    }
    return graph.convNorm(*downsample->ptr(0)->as<torch::nn::Conv2d>(),
                          *downsample->ptr(1)->as<torch::nn::BatchNorm2d>(), input);
}

// Two 3x3 convolutions (resnet18/34).
class BasicBlockImpl : public torch::nn::Module {
public:
    BasicBlockImpl(int64_t in, int64_t width, int64_t stride)
        : conv1_(register_module("conv1", convolution(in, width, 3, stride))),
          bn1_(register_module("bn1", BatchNorm2d(width))),
          conv2_(register_module("conv2", convolution(width, width, 3, 1))),
          bn2_(register_module("bn2", BatchNorm2d(width))) {
        if (stride != 1 || in != width) {
            downsample_ = register_module("downsample", downsample(in, width, stride));
        }
    }

    torch::Tensor forward(const torch::Tensor& x) {
        auto out = at::relu(bn1_->forward(conv1_->forward(x)));
        out = bn2_->forward(conv2_->forward(out));
        return at::relu(out + (downsample_ ? downsample_->forward(x) : x));
    }

    int appendLayers(LayerGraph& graph, int input) const {
        int out = graph.activation(Activation::ReLU, graph.convNorm(*conv1_, *bn1_, input));
        out = graph.convNorm(*conv2_, *bn2_, out);
        return graph.activation(Activation::ReLU,
                                graph.add(out, describeShortcut(graph, downsample_, input)));
    }

private:
    torch::nn::Conv2d conv1_;
    BatchNorm2d bn1_;
    torch::nn::Conv2d conv2_;
    BatchNorm2d bn2_;
    torch::nn::Sequential downsample_{nullptr};
};
TORCH_MODULE(BasicBlock);

// 1x1 down to `inner`, 3x3 (carrying the stride), 1x1 up to 4 x width (resnet50; inner is
// width, or twice it in wide_resnet50_2).
class BottleneckImpl : public torch::nn::Module {
public:
    static constexpr int64_t expansion = 4;

    BottleneckImpl(int64_t in, int64_t width, int64_t inner, int64_t stride)
        : conv1_(register_module("conv1", convolution(in, inner, 1, 1))),
          bn1_(register_module("bn1", BatchNorm2d(inner))),
          conv2_(register_module("conv2", convolution(inner, inner, 3, stride))),
          bn2_(register_module("bn2", BatchNorm2d(inner))),
          conv3_(register_module("conv3", convolution(inner, width * expansion, 1, 1))),
          bn3_(register_module("bn3", BatchNorm2d(width * expansion))) {
        if (stride != 1 || in != width * expansion) {
            downsample_ = register_module("downsample", downsample(in, width * expansion, stride));
        }
    }

    torch::Tensor forward(const torch::Tensor& x) {
        auto out = at::relu(bn1_->forward(conv1_->forward(x)));
        out = at::relu(bn2_->forward(conv2_->forward(out)));
        out = bn3_->forward(conv3_->forward(out));
        return at::relu(out + (downsample_ ? downsample_->forward(x) : x));
    }

    int appendLayers(LayerGraph& graph, int input) const {
        int out = graph.activation(Activation::ReLU, graph.convNorm(*conv1_, *bn1_, input));
        out = graph.activation(Activation::ReLU, graph.convNorm(*conv2_, *bn2_, out));
        out = graph.convNorm(*conv3_, *bn3_, out);
        return graph.activation(Activation::ReLU,
                                graph.add(out, describeShortcut(graph, downsample_, input)));
    }

private:
    torch::nn::Conv2d conv1_;
    BatchNorm2d bn1_;
    torch::nn::Conv2d conv2_;
    BatchNorm2d bn2_;
    torch::nn::Conv2d conv3_;
    BatchNorm2d bn3_;
    torch::nn::Sequential downsample_{nullptr};
};
TORCH_MODULE(Bottleneck);

std::array<int, 4> blocksPerStage(ResNet::Depth depth) {
    switch (depth) {
    case ResNet::Depth::R18:
        return {2, 2, 2, 2};
    case ResNet::Depth::R34:
    case ResNet::Depth::R50:
    case ResNet::Depth::WideR50:
        return {3, 4, 6, 3};
    }
    return {2, 2, 2, 2};
}

} // namespace

ResNet::ResNet(Depth depth, int classes, int inputChannels, int64_t baseWidth)
    : depth_(depth), baseWidth_(baseWidth) {
    conv1_ = register_module("conv1",
                             torch::nn::Conv2d(torch::nn::Conv2dOptions(inputChannels, baseWidth, 7)
                                                   .stride(2)
                                                   .padding(3)
                                                   .bias(false)));
    bn1_ = register_module("bn1", BatchNorm2d(baseWidth));

    const bool bottleneck = depth == Depth::R50 || depth == Depth::WideR50;
    const int64_t innerScale = depth == Depth::WideR50 ? 2 : 1;
    const auto blocks = blocksPerStage(depth);
    int64_t channels = baseWidth;
    for (size_t stage = 0; stage < layers_.size(); ++stage) {
        const int64_t width = baseWidth << stage;
        torch::nn::Sequential layer;
        for (int block = 0; block < blocks[stage]; ++block) {
            const int64_t stride = (stage > 0 && block == 0) ? 2 : 1;
            if (bottleneck) {
                layer->push_back(Bottleneck(channels, width, width * innerScale, stride));
                channels = width * BottleneckImpl::expansion;
            } else {
                layer->push_back(BasicBlock(channels, width, stride));
                channels = width;
            }
        }
        layers_[stage] = register_module("layer" + std::to_string(stage + 1), layer);
    }
    // nn.Linear's default initialisation, as torchvision leaves it.
    fc_ = register_module("fc", torch::nn::Linear(channels, classes));
    initialiseLikeTorchvision(*this);
}

torch::Tensor ResNet::features(torch::Tensor images) {
    return stages(std::move(images), 4).back();
}

std::vector<torch::Tensor> ResNet::stages(torch::Tensor images, int last) {
    namespace F = torch::nn::functional;
    auto x = at::relu(bn1_->forward(conv1_->forward(images)));
    x = F::max_pool2d(x, F::MaxPool2dFuncOptions(3).stride(2).padding(1));
    std::vector<torch::Tensor> outputs;
    for (int stage = 0; stage < last; ++stage) {
        x = layers_.at(static_cast<size_t>(stage))->forward(x);
        outputs.push_back(x);
    }
    return outputs;
}

int64_t ResNet::stageChannels(int stage) const {
    const int64_t width = baseWidth_ << (stage - 1);
    return depth_ == Depth::R18 || depth_ == Depth::R34 ? width : width * BottleneckImpl::expansion;
}

std::vector<int64_t> ResNet::pyramidChannels() const {
    return {stageChannels(1), stageChannels(2), stageChannels(3), stageChannels(4)};
}

torch::Tensor ResNet::classify(torch::Tensor featureMaps) {
    return fc_->forward(featureMaps.mean({2, 3}));
}

int ResNet::appendLayers(LayerGraph& graph) const {
    const int x = appendStages(graph, 4).back();
    return graph.linear(*fc_, graph.flatten(graph.adaptiveAvgPool(1, 1, x)));
}

std::vector<int> ResNet::appendStages(LayerGraph& graph, int last) const {
    int x = graph.activation(Activation::ReLU, graph.convNorm(*conv1_, *bn1_, LayerGraph::kInput));
    x = graph.maxPool(3, 2, 1, x);
    std::vector<int> outputs;
    for (int stage = 0; stage < last; ++stage) {
        for (const auto& block : layers_.at(static_cast<size_t>(stage))->children()) {
            if (const auto* basic = block->as<BasicBlockImpl>()) {
                x = basic->appendLayers(graph, x);
            } else {
                x = block->as<BottleneckImpl>()->appendLayers(graph, x);
            }
        }
        outputs.push_back(x);
    }
    return outputs;
}

std::string ResNet::architecture() const {
    std::string name = "resnet";
    switch (depth_) {
    case Depth::R18:
        name = "resnet18";
        break;
    case Depth::R34:
        name = "resnet34";
        break;
    case Depth::R50:
        name = "resnet50";
        break;
    case Depth::WideR50:
        name = "wide_resnet50_2";
        break;
    }
    return fitsTorchvisionWeights() ? name : name + "_width" + std::to_string(baseWidth_);
}

} // namespace kestrel::models
