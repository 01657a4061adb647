// The U-Net segmentation model: per-pixel logits at the input's size, its size rule, its place
// in the registry (a separate segmentation list), and its layer graph (transposed
// convolutions and concatenations) as the TorchScript statements anomaly detection and the
// exporters build on.
#include "common/error.h"
#include "models/layer_graph.h"
#include "models/layer_graph_script.h"
#include "models/model_registry.h"
#include "models/unet.h"

#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/passes/frozen_graph_optimizations.h>
#include <torch/torch.h>

namespace kestrel::models {
namespace {

std::string errorOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument) << error.what();
        return error.what();
    }
    ADD_FAILURE() << "no kestrel::Error was thrown";
    return {};
}

// Gives the batch norms the statistics of real activations and random affine parameters, so
// that folding them into the convolutions is really tested.
void calibrateNorms(Classifier& model, const torch::Tensor& input) {
    torch::NoGradGuard noGrad;
    for (auto& module : model.modules(false)) {
        if (auto* norm = module->as<torch::nn::BatchNorm2d>()) {
            norm->options.momentum(1.0);
            norm->weight.uniform_(0.8, 1.2);
            norm->bias.uniform_(-0.1, 0.1);
        }
    }
    model.train();
    model.forward(input);
    model.eval();
}

// 482,771 parameters for RGB input and 3 classes: 293,040 in the encoder's convolutions,
// 188,160 in the decoder's (its transposed ones included), 1,408 in batch norms, 112 in the
// transposed convolutions' biases and 51 in the 1x1 head.
TEST(UNetTest, HasAboutHalfAMillionParameters) {
    const auto model = createSegmenter({"unet", 3, 3});
    int64_t count = 0;
    for (const auto& parameter : model->parameters()) {
        count += parameter.numel();
    }
    std::cout << "unet, 3 channels, 3 classes: " << count << " parameters\n";
    EXPECT_EQ(count, 482771);
    EXPECT_EQ(model->architecture(), "unet");
    EXPECT_EQ(model->headName(), "classifier");
    const auto parameters = model->named_parameters();
    EXPECT_TRUE(parameters.contains(model->stemName() + ".weight"));
    EXPECT_EQ(parameters[model->stemName() + ".weight"].sizes(), (at::IntArrayRef{16, 3, 3, 3}));
    EXPECT_EQ(parameters["classifier.weight"].sizes(), (at::IntArrayRef{3, 16, 1, 1}));
}

TEST(UNetTest, GivesLogitsPerPixelAtTheInputSizeForGrayAndRgb) {
    torch::manual_seed(1);
    for (const int channels : {1, 3}) {
        for (const auto& [height, width] : {std::pair{64, 64}, std::pair{96, 48}}) {
            SCOPED_TRACE(std::to_string(channels) + " channels, " + std::to_string(height) + " x " +
                         std::to_string(width));
            auto model = createSegmenter({"unet", 4, channels});
            model->train();
            const auto logits = model->forward(torch::randn({2, channels, height, width}));
            EXPECT_EQ(logits.sizes(), (at::IntArrayRef{2, 4, height, width}));
            logits.logsumexp(1).mean().backward();
            for (const auto& parameter : model->parameters()) {
                ASSERT_TRUE(parameter.grad().defined());
            }

            model->eval();
            torch::NoGradGuard noGrad;
            const auto images = torch::randn({1, channels, height, width});
            const auto maps = model->features(images);
            EXPECT_EQ(maps.sizes(), (at::IntArrayRef{1, 16, height, width}));
            const auto eval = model->forward(images);
            EXPECT_TRUE(eval.isfinite().all().item<bool>());
            EXPECT_TRUE(eval.equal(model->classify(maps))); // Grad-CAM relies on it
        }
    }
}

// Test-time mirroring: in eval mode the logits are the mean over the image and its three
// mirror images, each mapped back, so mirroring the input mirrors the output; training-mode
// forward() is the plain pass the loss and the batch norms need.
TEST(UNetTest, AveragesTheMirrorImagesLogitsInEvalModeOnly) {
    torch::manual_seed(3);
    auto model = createSegmenter({"unet", 3, 3, /*averageMirrors=*/true});
    ASSERT_TRUE(model->averageMirrors());
    const auto images = torch::rand({2, 3, 32, 48});
    calibrateNorms(*model, torch::rand({4, 3, 32, 48}));
    torch::NoGradGuard noGrad;
    const auto plain = [&](const torch::Tensor& x) {
        return model->classify(model->features(x));
    };
    const auto expected =
        (plain(images) + plain(images.flip({3})).flip({3}) + plain(images.flip({2})).flip({2}) +
         plain(images.flip({2, 3})).flip({2, 3})) /
        4;
    const auto averaged = model->forward(images);
    EXPECT_TRUE(torch::allclose(averaged, expected, 1e-5, 1e-5));
    // Not vacuous: a random U-Net does not see an image and its mirror image alike.
    EXPECT_GT((plain(images) - expected).abs().max().item<double>(), 1e-3);
    EXPECT_TRUE(torch::allclose(model->forward(images.flip({3})), averaged.flip({3}), 1e-5, 1e-5));
    EXPECT_TRUE(torch::allclose(model->forward(images.flip({2})), averaged.flip({2}), 1e-5, 1e-5));

    model->train();
    EXPECT_TRUE(model->forward(images).equal(plain(images)));
}

TEST(UNetTest, RefusesSidesThatAreNotMultiplesOfEight) {
    auto model = createSegmenter({"unet", 2, 3});
    const std::string sentence =
        "The unet model takes images whose height and width are multiples of 8, not 60 x 60 px.";
    EXPECT_EQ(errorOf([&] { model->forward(torch::rand({1, 3, 60, 60})); }), sentence);
    EXPECT_EQ(errorOf([&] {
                  LayerGraph graph(*model, {3, 60, 60});
                  model->appendLayers(graph);
              }),
              sentence);
    EXPECT_NE(errorOf([&] {
                  model->forward(torch::rand({1, 3, 64, 36}));
              }).find("64 x 36"),
              std::string::npos);
}

TEST(UNetTest, IsListedAsASegmentationModelOnly) {
    // The U-Net first: the fast default on CPUs; then torchvision's LR-ASPP and DeepLabV3.
    ASSERT_EQ(segmentationArchitectures().size(), 3U);
    const ArchitectureInfo& info = segmentationArchitectures().front();
    EXPECT_EQ(info.name, "unet");
    EXPECT_EQ(info.defaultImageSize, 128);
    EXPECT_EQ(info.minImageSize, 32);
    EXPECT_EQ(info.sizeMultiple, 8);
    EXPECT_NE(info.description.find("U-Net"), std::string::npos);
    EXPECT_EQ(architecture("unet").sizeMultiple, 8);
    EXPECT_EQ(architecture("resnet18").sizeMultiple, 1);
    EXPECT_EQ(segmentationArchitectures().at(1).name, "lraspp_mobilenet_v3_large");
    EXPECT_EQ(segmentationArchitectures().at(2).name, "deeplabv3_mobilenet_v3_large");
    EXPECT_EQ(architecture("lraspp_mobilenet_v3_large").sizeMultiple, 16);
    EXPECT_EQ(architecture("deeplabv3_mobilenet_v3_large").sizeMultiple, 16);
    for (const auto& classifier : architectures()) {
        EXPECT_NE(classifier.name, "unet");
        EXPECT_NE(classifier.name, "lraspp_mobilenet_v3_large");
    }
}

TEST(UNetTest, EachRegistryRefusesTheOthersModels) {
    EXPECT_EQ(errorOf([] {
                  createClassifier({"unet", 3, 3});
              }),
              "Unknown classification model \"unet\"; the classification models are: smallcnn, "
              "resnet18, resnet34, resnet50, wide_resnet50_2, mobilenet_v3_small, "
              "mobilenet_v3_large, efficientnet_b0, efficientnet_b1, efficientnet_b2, "
              "efficientnet_b3.");
    EXPECT_EQ(errorOf([] {
                  createSegmenter({"resnet18", 3, 3});
              }),
              "Unknown segmentation model \"resnet18\"; the segmentation models are: unet, "
              "lraspp_mobilenet_v3_large, deeplabv3_mobilenet_v3_large.");
    EXPECT_EQ(errorOf([] {
                  createSegmenter({"unet", 1, 3});
              }),
              "A segmentation model needs at least 2 classes, not 1.");
    EXPECT_EQ(errorOf([] {
                  createSegmenter({"unet", 2, 4});
              }),
              "Models take 1 (gray) or 3 (RGB) input channels, not 4.");
    const std::string unknown = errorOf([] { architecture("unet2"); });
    EXPECT_NE(unknown.find("\"unet2\""), std::string::npos) << unknown;
    EXPECT_NE(unknown.find("unet, lraspp_mobilenet_v3_large, deeplabv3_mobilenet_v3_large, "),
              std::string::npos)
        << unknown;
}

class TorchvisionSegmenterTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TorchvisionSegmenterTest, GivesLogitsAtTheInputSizeAndRefusesSidesThatAreNotMultiplesOf16) {
    auto model = createSegmenter({GetParam(), 4, 1});
    model->eval();
    torch::NoGradGuard noGrad;
    EXPECT_EQ(model->forward(torch::rand({2, 1, 64, 96})).sizes(), (at::IntArrayRef{2, 4, 64, 96}));
    EXPECT_EQ(errorOf([&] {
                  model->forward(torch::rand({1, 1, 72, 64}));
              }),
              "The " + GetParam() +
                  " model takes images whose height and width are multiples of 16, not 72 x 64 "
                  "px.");
    // Every pixel starts as background, as the U-Net's do.
    const auto probabilities = torch::softmax(model->forward(torch::rand({1, 1, 64, 64})), 1);
    EXPECT_GT(probabilities.select(1, 0).min().item<float>(), 0.5f);
}

INSTANTIATE_TEST_SUITE_P(Segmenters, TorchvisionSegmenterTest,
                         ::testing::Values("lraspp_mobilenet_v3_large",
                                           "deeplabv3_mobilenet_v3_large"),
                         [](const auto& param) { return param.param; });

TEST(LayerGraphTest, WritesOnlyPlainTransposedConvolutionsAndMatchingConcatenations) {
    torch::nn::Sequential layers(
        torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(4, 2, 2).stride(2)),
        torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(4, 2, 2).stride(2).padding(1)),
        torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(4, 2, 2).stride(2).groups(2)),
        torch::nn::ConvTranspose2d(
            torch::nn::ConvTranspose2dOptions(4, 2, 3).stride(2).output_padding(1)));
    LayerGraph graph(*layers, {4, 5, 7});
    const auto& plain = *layers[0]->as<torch::nn::ConvTranspose2d>();
    const int up = graph.convTranspose(plain, LayerGraph::kInput);
    EXPECT_EQ(graph.shape(up).channels, 2);
    EXPECT_EQ(graph.shape(up).height, 10);
    EXPECT_EQ(graph.shape(up).width, 14);
    EXPECT_EQ(graph.nodes().back().weight.sizes(), (at::IntArrayRef{4, 2, 2, 2}));
    EXPECT_EQ(graph.nodes().back().name, "0");
    for (const std::size_t refused : {1, 2, 3}) {
        const std::string message = errorOf([&] {
            graph.convTranspose(*layers[refused]->as<torch::nn::ConvTranspose2d>(),
                                LayerGraph::kInput);
        });
        EXPECT_NE(message.find("Transposed convolution " + std::to_string(refused) +
                               " cannot be exported"),
                  std::string::npos)
            << message;
    }

    const int joined = graph.concat(up, up);
    EXPECT_EQ(graph.shape(joined).channels, 4);
    EXPECT_EQ(graph.shape(joined).height, 10);
    EXPECT_EQ(errorOf([&] { graph.concat(up, LayerGraph::kInput); }),
              "Maps of 10 x 14 and 5 x 7 cannot be concatenated along channels: their sizes "
              "differ.");
}

// The graph as TorchScript statements, as anomaly detection's OptimisedStages runs them:
// plain and through optimize_for_inference (oneDNN, channels-last weights).
TEST(UNetTest, LayerGraphStatementsGiveTheEagerLogits) {
    torch::manual_seed(5);
    for (const int channels : {1, 3}) {
        SCOPED_TRACE(std::to_string(channels) + " channels");
        auto model = createSegmenter({"unet", 3, channels});
        calibrateNorms(*model, torch::randn({8, channels, 32, 64}));
        const auto images = torch::randn({2, channels, 32, 64});
        torch::Tensor expected;
        {
            torch::NoGradGuard noGrad;
            expected = model->forward(images);
        }
        LayerGraph graph(*model, {channels, 32, 64});
        const int logits = model->appendLayers(graph);
        EXPECT_EQ(logits, graph.output());
        EXPECT_EQ(graph.outputFeatures(), 3);
        EXPECT_EQ(graph.shape(logits).height, 32);
        EXPECT_EQ(graph.shape(logits).width, 64);

        torch::jit::Module module(c10::QualifiedName("__torch__.kestrel.UNetTest"));
        registerGraphTensors(module, graph);
        module.define("def forward(self, x):\n" + graphStatements(graph) + "    return " +
                      scriptValue(logits) + "\n");
        module.eval();
        torch::NoGradGuard noGrad;
        const auto input = images.contiguous(at::MemoryFormat::ChannelsLast);
        const auto plain = module.forward({input}).toTensor();
        EXPECT_LT((plain - expected).abs().max().item<float>(), 1e-4);
        const auto optimised = torch::jit::optimize_for_inference(module).forward({input});
        EXPECT_LT((optimised.toTensor() - expected).abs().max().item<float>(), 1e-4);
    }
}

} // namespace
} // namespace kestrel::models
