// Every architecture in the registry, written out through its LayerGraph, must give the same
// probabilities as the LibTorch model it came from: as TorchScript (torch::jit, plain and
// optimised for inference) and as ONNX (OpenCV DNN, a runtime that shares no code with
// LibTorch). Batch-norm statistics are randomised so that folding them is really tested.
#include "common/error.h"
#include "export/export_verification.h"
#include "export/onnx_writer.h"
#include "export/torchscript_writer.h"
#include "infer/onnx_model.h"
#include "infer/torchscript_model.h"
#include "models/layer_graph.h"
#include "models/model_registry.h"
#include "temp_dir.h"

#include <array>
#include <filesystem>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/nn/modules/batchnorm.h>
#include <torch/torch.h>

namespace kestrel::exporting {
namespace {

struct Case {
    std::string architecture;
    int size;
    int channels;
};

std::ostream& operator<<(std::ostream& out, const Case& c) {
    return out << c.architecture << "_" << c.size << "px_" << c.channels << "ch";
}

// Gives the batch norms statistics of real activations (one training-mode pass with momentum
// 1 over `input`, other images than those compared, as training would converge to) and random
// affine parameters, so that the network's answers depend on the image and folding the norms is
// really tested. Untrained statistics (mean 0, variance 1) let the signal of deep random networks
// vanish.
void calibrateNorms(models::Classifier& model, const torch::Tensor& input) {
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

// Freshly initialised heads give nearly uniform probabilities, which would agree with almost
// anything. Scales the head so the logits of different images differ by about 0.5, making the
// probabilities depend clearly on the image. Returns the factor.
double spreadLogits(models::Classifier& model, const torch::Tensor& input,
                    bool dropBackgroundPrior = false) {
    torch::NoGradGuard noGrad;
    const auto logits = model.forward(input);
    const double spread = (logits - logits.mean(0, true)).std().item<double>();
    const double factor = 0.5 / std::max(spread, 1e-12);
    // The layers whose sum is the logits: the head, or LR-ASPP's low_ and high_classifier.
    const auto scaled = [&](const std::string& name) {
        const auto endsWith = [&](const std::string& tail) {
            return name.size() >= tail.size() &&
                   name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
        };
        return name == model.headName() + ".weight" || name == model.headName() + ".bias" ||
               endsWith("_classifier.weight") || endsWith("_classifier.bias");
    };
    for (auto& parameter : model.named_parameters()) {
        if (scaled(parameter.key())) {
            parameter.value().mul_(factor);
        }
        // LR-ASPP's coarse logits cannot outvote a background prior at every pixel.
        if (dropBackgroundPrior && scaled(parameter.key()) &&
            parameter.key().find("bias") != std::string::npos) {
            parameter.value().zero_();
        }
    }
    return factor;
}

infer::ModelMetadata metadataFor(const Case& c, int classes) {
    infer::ModelMetadata metadata;
    for (int i = 0; i < classes; ++i) {
        metadata.classes.push_back("class" + std::to_string(i));
    }
    metadata.width = metadata.height = c.size;
    metadata.channels = c.channels;
    metadata.color = c.channels == 1 ? "gray" : "rgb";
    metadata.mean =
        c.channels == 1 ? std::vector<double>{0.4} : std::vector<double>{0.485, 0.456, 0.406};
    metadata.std =
        c.channels == 1 ? std::vector<double>{0.3} : std::vector<double>{0.229, 0.224, 0.225};
    metadata.model = c.architecture;
    return metadata;
}

std::vector<float> toVector(const torch::Tensor& tensor) {
    const auto contiguous = tensor.contiguous();
    return {contiguous.data_ptr<float>(), contiguous.data_ptr<float>() + contiguous.numel()};
}

// Noise of a different brightness and contrast per image, so the answers differ.
torch::Tensor imagesLike(int count, const Case& c) {
    const auto level = torch::rand({count, 1, 1, 1}) * 0.6 + 0.1;
    return (level + torch::rand({count, c.channels, c.size, c.size}) * level * 0.5).clamp(0.0, 1.0);
}

class GraphExportTest : public ::testing::TestWithParam<Case> {};

TEST_P(GraphExportTest, BothFormatsGiveTheTrainedModelsProbabilities) {
    const Case c = GetParam();
    constexpr int classes = 5;
    constexpr int count = 4;
    torch::manual_seed(3);
    auto model = models::createClassifier({c.architecture, classes, c.channels});
    const infer::ModelMetadata metadata = metadataFor(c, classes);

    // Noise of a different brightness and contrast per image, so the answers differ.
    const auto images = imagesLike(count, c);
    const auto mean = torch::tensor(std::vector<float>(metadata.mean.begin(), metadata.mean.end()))
                          .reshape({1, c.channels, 1, 1});
    const auto std = torch::tensor(std::vector<float>(metadata.std.begin(), metadata.std.end()))
                         .reshape({1, c.channels, 1, 1});
    calibrateNorms(*model, (imagesLike(32, c) - mean) / std);
    const double factor = spreadLogits(*model, (images - mean) / std);
    torch::Tensor expected;
    {
        torch::NoGradGuard noGrad;
        expected = torch::softmax(model->forward((images - mean) / std), 1);
    }
    // Not vacuous: different images get clearly different answers (without making the
    // network hypersensitive: the head is scaled by a modest factor).
    ASSERT_LT(factor, 1e3);
    ASSERT_GT((expected[0] - expected[count - 1]).abs().max().item<float>(), 1e-3)
        << expected << "\nhead scaled by " << factor;
    // Random networks amplify rounding more than trained ones do. The tolerance is 1e-4, as
    // for real exports, or ten times the float32 rounding noise of LibTorch itself (its
    // distance from a float64 run of the same model) where that is larger.
    double noise = 0;
    {
        torch::NoGradGuard noGrad;
        model->to(torch::kDouble);
        const auto exact =
            torch::softmax(model->forward(((images - mean) / std).to(torch::kDouble)), 1);
        model->to(torch::kFloat);
        noise = (exact - expected.to(torch::kDouble)).abs().max().item<double>();
    }
    const double tolerance = std::max(1e-4, 10 * noise);
    const std::vector<float> reference = toVector(expected);
    const std::vector<float> pixels = toVector(images);

    models::LayerGraph graph(*model, {c.channels, c.size, c.size});
    const int logits = model->appendLayers(graph);
    EXPECT_EQ(logits, graph.output());
    EXPECT_EQ(graph.outputFeatures(), classes);

    testing::TempDir dir;
    writeTorchScript(graph, metadata, dir / "model.pt");
    for (const bool optimize : {false, true}) {
        infer::TorchScriptModel torchscript(dir / "model.pt", {"cpu", optimize});
        EXPECT_EQ(torchscript.metadata().classes, metadata.classes);
        const auto report = compareProbabilities(reference, torchscript.run(pixels.data(), count),
                                                 count, classes, tolerance);
        EXPECT_TRUE(report.passed())
            << "TorchScript, optimize " << optimize << ": " << report.summary();
    }

    writeOnnx(graph, metadata, dir / "model.onnx");
    infer::OnnxModel onnx(dir / "model.onnx");
    EXPECT_EQ(onnx.metadata().mean, metadata.mean);
    const auto report =
        compareProbabilities(reference, onnx.run(pixels.data(), count), count, classes, tolerance);
    EXPECT_TRUE(report.passed()) << "ONNX, float32 noise " << noise << ": " << report.summary();
}

// smallcnn at 28 px pools 3x3 from 3x3 (plain average pooling in ONNX) and at 40 px from 5x5
// (overlapping bins, written as two matrix products). The deeper networks run at their
// smallest size (32 px) where that keeps every layer type: the sanitizer build is slow.
INSTANTIATE_TEST_SUITE_P(
    EveryArchitecture, GraphExportTest,
    ::testing::Values(Case{"smallcnn", 28, 1}, Case{"smallcnn", 40, 3}, Case{"resnet18", 64, 3},
                      Case{"resnet34", 32, 1}, Case{"resnet50", 32, 3},
                      Case{"mobilenet_v3_small", 64, 3}, Case{"mobilenet_v3_large", 32, 1},
                      Case{"efficientnet_b0", 64, 3}, Case{"efficientnet_b1", 32, 3},
                      Case{"efficientnet_b2", 32, 1}, Case{"efficientnet_b3", 32, 3}),
    [](const ::testing::TestParamInfo<Case>& param) {
        std::ostringstream name;
        name << param.param;
        return name.str();
    });

// The segmentation models' layer graphs in both formats, with the export head over every
// pixel: N x K x H x W probabilities, softmax over the classes. The U-Net's has transposed
// convolutions and concatenations, LR-ASPP's dilated convolutions, a global gate and
// bilinear upsampling, DeepLabV3's ASPP (dilations up to 36, a pooled branch spread back over
// the map). Mirrored: the layers four times over flipped inputs, flipped back and averaged
// (Classifier::setAverageMirrors, segmentation's default).
struct SegmentationCase {
    std::string architecture;
    int height;
    int width;
    int channels;
    bool mirrored = false;
};

std::ostream& operator<<(std::ostream& out, const SegmentationCase& c) {
    return out << c.architecture << "_" << c.height << "x" << c.width << "px_" << c.channels << "ch"
               << (c.mirrored ? "_mirrored" : "");
}

class SegmentationExportTest : public ::testing::TestWithParam<SegmentationCase> {};

TEST_P(SegmentationExportTest, BothFormatsGiveTheModelsProbabilitiesPerPixel) {
    const SegmentationCase c = GetParam();
    constexpr int classes = 3;
    constexpr int count = 3;
    torch::manual_seed(11);
    auto model = models::createSegmenter({c.architecture, classes, c.channels, c.mirrored});
    infer::ModelMetadata metadata = metadataFor({c.architecture, c.width, c.channels}, classes);
    metadata.height = c.height;

    const auto noise = [&](int n) {
        const auto level = torch::rand({n, 1, 1, 1}) * 0.6 + 0.1;
        return (level + torch::rand({n, c.channels, c.height, c.width}) * level * 0.5)
            .clamp(0.0, 1.0);
    };
    const auto images = noise(count);
    const auto mean = torch::tensor(std::vector<float>(metadata.mean.begin(), metadata.mean.end()))
                          .reshape({1, c.channels, 1, 1});
    const auto std = torch::tensor(std::vector<float>(metadata.std.begin(), metadata.std.end()))
                         .reshape({1, c.channels, 1, 1});
    calibrateNorms(*model, (noise(8) - mean) / std);
    spreadLogits(*model, (images - mean) / std, /*dropBackgroundPrior=*/true);
    torch::Tensor expected;
    {
        torch::NoGradGuard noGrad;
        expected = torch::softmax(model->forward((images - mean) / std), 1);
    }
    ASSERT_EQ(expected.sizes(), (at::IntArrayRef{count, classes, c.height, c.width}));
    // Not vacuous: the pixels' classes vary.
    const auto predicted = expected.argmax(1);
    ASSERT_GT((predicted != predicted.flatten()[0]).sum().item<int64_t>(), 0);
    // As for classifiers: 1e-4, or ten times LibTorch's own float32 rounding noise (its
    // distance from a float64 run) where a deep random network makes that larger.
    double rounding = 0;
    {
        torch::NoGradGuard noGrad;
        model->to(torch::kDouble);
        const auto exact =
            torch::softmax(model->forward(((images - mean) / std).to(torch::kDouble)), 1);
        model->to(torch::kFloat);
        rounding = (exact - expected.to(torch::kDouble)).abs().max().item<double>();
    }
    const double tolerance = std::max(1e-4, 10 * rounding);
    // Pixels whose top two classes are that close may go either way; a random network
    // leaves a few.
    const std::int64_t fewTies = count * c.height * c.width / 1000;
    const std::vector<float> reference = toVector(expected);
    const std::vector<float> pixels = toVector(images);

    models::LayerGraph graph(*model, {c.channels, c.height, c.width});
    const int logits = models::appendForward(*model, graph);
    EXPECT_EQ(logits, graph.output());
    EXPECT_EQ(graph.outputFeatures(), classes);

    testing::TempDir dir;
    writeTorchScript(graph, metadata, dir / "model.pt");
    for (const bool optimize : {false, true}) {
        infer::TorchScriptModel torchscript(dir / "model.pt", {"cpu", optimize});
        const auto report =
            comparePixelProbabilities(reference, torchscript.run(pixels.data(), count), count,
                                      classes, c.height, c.width, tolerance);
        EXPECT_TRUE(report.passed())
            << "TorchScript, optimize " << optimize << ": " << report.summary();
        EXPECT_LE(report.nearTies, fewTies) << report.summary();
    }

    writeOnnx(graph, metadata, dir / "model.onnx");
    infer::OnnxModel onnx(dir / "model.onnx");
    const auto report = comparePixelProbabilities(reference, onnx.run(pixels.data(), count), count,
                                                  classes, c.height, c.width, tolerance);
    EXPECT_TRUE(report.passed()) << "ONNX: " << report.summary();
    EXPECT_LE(report.nearTies, fewTies) << report.summary();
}

INSTANTIATE_TEST_SUITE_P(
    RgbAndGray, SegmentationExportTest,
    ::testing::Values(SegmentationCase{"unet", 64, 64, 3}, SegmentationCase{"unet", 64, 96, 1},
                      SegmentationCase{"unet", 64, 64, 1}, SegmentationCase{"unet", 64, 96, 3},
                      SegmentationCase{"lraspp_mobilenet_v3_large", 64, 96, 3},
                      SegmentationCase{"lraspp_mobilenet_v3_large", 96, 64, 1},
                      SegmentationCase{"deeplabv3_mobilenet_v3_large", 64, 96, 3},
                      SegmentationCase{"deeplabv3_mobilenet_v3_large", 96, 64, 1},
                      SegmentationCase{"unet", 64, 96, 3, true},
                      SegmentationCase{"unet", 96, 64, 1, true},
                      SegmentationCase{"lraspp_mobilenet_v3_large", 64, 96, 3, true}),
    [](const ::testing::TestParamInfo<SegmentationCase>& param) {
        std::ostringstream name;
        name << param.param;
        return name.str();
    });

// The mirrored graph runs the layers four times but keeps their weights once: its files are
// the plain model's size, give or take the exchange matrices and a few hundred nodes.
TEST(SegmentationExportTest, MirroredModelsKeepOneCopyOfTheirWeights) {
    constexpr int classes = 3;
    infer::ModelMetadata metadata = metadataFor({"unet", 64, 3}, classes);
    testing::TempDir dir;
    std::array<std::uintmax_t, 2> torchscriptBytes{};
    std::array<std::uintmax_t, 2> onnxBytes{};
    for (const bool mirrored : {false, true}) {
        torch::manual_seed(5);
        auto model = models::createSegmenter({"unet", classes, 3, mirrored});
        model->eval();
        models::LayerGraph graph(*model, {3, 64, 64});
        models::appendForward(*model, graph);
        const std::string name = mirrored ? "mirrored" : "plain";
        writeTorchScript(graph, metadata, dir / (name + ".pt"));
        writeOnnx(graph, metadata, dir / (name + ".onnx"));
        torchscriptBytes[mirrored] = std::filesystem::file_size(dir / (name + ".pt"));
        onnxBytes[mirrored] = std::filesystem::file_size(dir / (name + ".onnx"));
    }
    EXPECT_LT(torchscriptBytes[1], torchscriptBytes[0] * 11 / 10);
    EXPECT_LT(onnxBytes[1], onnxBytes[0] * 11 / 10);
    EXPECT_GT(onnxBytes[1], onnxBytes[0]); // not vacuous: the mirrored graph was written
}

// The detector's layer graph (a feature pyramid: nearest upsampling, per-level towers sharing
// their convolutions, cells flattened and concatenated level after level) in both formats:
// the raw outputs agree, and so do the boxes they decode to. The class and centreness biases
// are raised so that some cells score well above the decoding threshold.
TEST(DetectorExportTest, BothFormatsGiveTheDetectorsRawOutputsAndBoxes) {
    struct DetectorCase {
        std::string architecture;
        int height, width, channels;
    };
    // MobileNetV3 adds hard-swish and squeeze-excitation inside the backbone's taps.
    for (const auto& [architecture, height, width, channels] :
         std::vector<DetectorCase>{{"fcos_resnet18", 64, 96, 3},
                                   {"fcos_resnet18", 96, 64, 1},
                                   {"fcos_mobilenet_v3_large", 64, 96, 3}}) {
        SCOPED_TRACE(architecture);
        constexpr int classes = 2;
        constexpr int count = 2;
        torch::manual_seed(13);
        auto model = models::createDetector({architecture, classes, channels});
        infer::ModelMetadata metadata = metadataFor({architecture, width, channels}, classes);
        metadata.height = height;
        metadata.task = TaskKind::Detection;
        metadata.output = "raw";
        metadata.detection = infer::ModelMetadata::Detection{{4, 8, 16, 32}};
        const auto noise = [&](int n) {
            const auto level = torch::rand({n, 1, 1, 1}) * 0.6 + 0.1;
            return (level + torch::rand({n, channels, height, width}) * level * 0.5)
                .clamp(0.0, 1.0);
        };
        const auto images = noise(count);
        const auto mean =
            torch::tensor(std::vector<float>(metadata.mean.begin(), metadata.mean.end()))
                .reshape({1, channels, 1, 1});
        const auto std = torch::tensor(std::vector<float>(metadata.std.begin(), metadata.std.end()))
                             .reshape({1, channels, 1, 1});
        calibrateNorms(*model, (noise(8) - mean) / std);
        {
            torch::NoGradGuard noGrad;
            for (auto& parameter : model->named_parameters()) {
                if (parameter.key() == "class_logits.bias" ||
                    parameter.key() == "centreness.bias") {
                    parameter.value().fill_(2.0);
                }
                if (parameter.key() == "class_logits.weight" ||
                    parameter.key() == "box_distances.weight") {
                    parameter.value().mul_(30.0);
                }
            }
        }
        torch::Tensor expected;
        {
            torch::NoGradGuard noGrad;
            expected = model->forward((images - mean) / std);
        }
        const std::vector<float> reference = toVector(expected);
        const std::vector<float> pixels = toVector(images);
        const std::vector<int> strides = {4, 8, 16, 32};

        models::LayerGraph graph(*model, {channels, height, width});
        const int raw = model->appendLayers(graph);
        EXPECT_EQ(raw, graph.output());
        EXPECT_EQ(graph.shape(graph.output()).channels, classes + 5);
        EXPECT_EQ(graph.shape(graph.output()).height, expected.size(2));

        testing::TempDir dir;
        writeTorchScript(graph, metadata, dir / "model.pt");
        writeOnnx(graph, metadata, dir / "model.onnx");
        infer::TorchScriptModel torchscript(dir / "model.pt", {"cpu", true});
        infer::OnnxModel onnx(dir / "model.onnx");
        for (const auto& [runtime, outputs] :
             {std::pair{"TorchScript", torchscript.run(pixels.data(), count)},
              std::pair{"ONNX", onnx.run(pixels.data(), count)}}) {
            ASSERT_EQ(outputs.size(), reference.size()) << runtime;
            double largest = 0;
            for (std::size_t i = 0; i < outputs.size(); ++i) {
                largest =
                    std::max(largest, static_cast<double>(std::abs(outputs[i] - reference[i])));
            }
            EXPECT_LT(largest, 1e-3) << runtime << " " << height << "x" << width;
            const auto report = compareDetections(reference, outputs, count, classes, strides,
                                                  width, height, {}, 1e-4);
            EXPECT_TRUE(report.passed()) << runtime << ": " << report.summary();
            EXPECT_GT(report.boxCount, 10) << "not vacuous: boxes to find";
        }
    }
}

// Two images of 2 x 3 pixels and 2 classes (NCHW): class 0 everywhere but at pixel 5.
TEST(ExportVerification, ComparesClassesPerPixelLeavingNearTiesOut) {
    const std::vector<float> reference = {
        0.9F, 0.8F, 0.7F, 0.6F, 0.55F,    0.4F, 0.1F, 0.2F, 0.3F, 0.4F, 0.45F,    0.6F, // image 1
        0.9F, 0.8F, 0.7F, 0.6F, 0.50004F, 0.4F, 0.1F, 0.2F, 0.3F, 0.4F, 0.49996F, 0.6F};
    const auto same =
        comparePixelProbabilities(reference, reference, 2, 2, 2, 3, 1e-4, {"a.png", "b.png"});
    EXPECT_TRUE(same.passed()) << same.summary();
    EXPECT_EQ(same.pixelsPerImage, 6);
    EXPECT_EQ(same.summary(), "every pixel's class agreed on 2 of 2 images; largest probability "
                              "difference 0.0e+00 (tolerance 1.0e-04)");

    // Image 2's pixel 4 is a near tie (0.50004 against 0.49996): a flip there still agrees.
    std::vector<float> tie = reference;
    std::swap(tie[16], tie[22]);
    const auto nearTie = comparePixelProbabilities(reference, tie, 2, 2, 2, 3, 1e-4);
    EXPECT_TRUE(nearTie.passed()) << nearTie.summary();
    EXPECT_EQ(nearTie.nearTies, 1);
    EXPECT_EQ(nearTie.differingPixels, 0);

    // Image 1's pixels 4 and 5 flip (their margins are 0.1 and 0.2).
    std::vector<float> flipped = reference;
    std::swap(flipped[4], flipped[10]);
    std::swap(flipped[5], flipped[11]);
    const auto wrong =
        comparePixelProbabilities(reference, flipped, 2, 2, 2, 3, 1e-4, {"a.png", "b.png"});
    EXPECT_FALSE(wrong.passed());
    EXPECT_EQ(wrong.top1Agreements, 1);
    EXPECT_EQ(wrong.differingPixels, 2);
    EXPECT_EQ(wrong.firstDifference, "a.png: 2 of 6 pixels differ");
    EXPECT_NE(wrong.summary().find("agreed on 1 of 2 images (a.png: 2 of 6 pixels differ)"),
              std::string::npos)
        << wrong.summary();
    EXPECT_NEAR(wrong.maxAbsDifference, 0.2, 1e-6);
    EXPECT_EQ(nlohmann::json::parse(wrong.toJson()).at("differing_pixels"), 2);
    const auto unnamed = comparePixelProbabilities(reference, flipped, 2, 2, 2, 3, 1e-4);
    EXPECT_EQ(unnamed.firstDifference, "image 1: 2 of 6 pixels differ");

    // The same classes, probabilities too far apart.
    std::vector<float> drifted = reference;
    drifted[0] = 0.89F;
    drifted[6] = 0.11F;
    EXPECT_FALSE(comparePixelProbabilities(reference, drifted, 2, 2, 2, 3, 1e-4).passed());

    std::vector<float> nan = reference;
    nan[3] = NAN;
    EXPECT_FALSE(comparePixelProbabilities(reference, nan, 2, 2, 2, 3, 1e-4).passed());
    EXPECT_FALSE(comparePixelProbabilities(
                     reference, std::vector<float>(reference.begin(), reference.begin() + 12), 2, 2,
                     2, 3, 1e-4)
                     .passed());
    // Per-image rows of the wrong shape agree on nothing.
    EXPECT_FALSE(comparePixelProbabilities(reference, reference, 2, 2, 3, 3, 1e-4).passed());
}

TEST(ExportVerification, CountsTopOneFlipsAndTheLargestDifference) {
    const std::vector<float> reference = {0.7F, 0.3F, 0.4F, 0.6F};
    const auto same = compareProbabilities(reference, {0.70001F, 0.29999F, 0.4F, 0.6F}, 2, 2, 1e-4);
    EXPECT_TRUE(same.passed()) << same.summary();
    EXPECT_NEAR(same.maxAbsDifference, 1e-5, 1e-6);

    const auto flipped = compareProbabilities(reference, {0.7F, 0.3F, 0.6F, 0.4F}, 2, 2, 1e-4);
    EXPECT_FALSE(flipped.passed());
    EXPECT_EQ(flipped.top1Agreements, 1);
    EXPECT_NEAR(flipped.maxAbsDifference, 0.2, 1e-6);
    EXPECT_NE(flipped.summary().find("top-1 agreed on 1 of 2 images"), std::string::npos)
        << flipped.summary();

    const auto nan = compareProbabilities(reference, {NAN, 0.3F, 0.4F, 0.6F}, 2, 2, 1e-4);
    EXPECT_FALSE(nan.passed());
    const auto wrongShape = compareProbabilities(reference, {0.7F, 0.3F}, 2, 2, 1e-4);
    EXPECT_FALSE(wrongShape.passed());
}

TEST(ExportMetadata, RoundTripsAndNamesWhatIsMissing) {
    infer::ModelMetadata metadata = metadataFor({"smallcnn", 28, 1}, 3);
    metadata.run = 7;
    metadata.resize = "letterbox";
    const auto back = infer::metadataFromJson(infer::toJson(metadata), "m.pt");
    EXPECT_EQ(back.classes, metadata.classes);
    EXPECT_EQ(back.width, 28);
    EXPECT_EQ(back.channels, 1);
    EXPECT_EQ(back.resize, "letterbox");
    EXPECT_EQ(back.std, metadata.std);
    EXPECT_EQ(back.run, 7);
    try {
        infer::metadataFromJson(R"({"classes": ["a"], "normalization": {}})", "m.onnx");
        FAIL() << "accepted metadata without input";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "m.onnx has no \"input\" in its metadata.json.");
    }
}

TEST(ExportMetadata, NamesItsTaskAndReadsFilesFromBeforeTasksAsClassifiers) {
    const infer::ModelMetadata metadata = metadataFor({"smallcnn", 28, 1}, 3);
    auto json = nlohmann::json::parse(infer::toJson(metadata));
    EXPECT_EQ(json.at("task"), "classification");
    EXPECT_EQ(json.at("output"), "probabilities");
    json.erase("task"); // a model exported before tasks existed
    json.erase("output");
    const auto old = infer::metadataFromJson(json.dump(), "old.pt");
    EXPECT_EQ(old.task, TaskKind::Classification);
    EXPECT_EQ(old.output, "probabilities");
    json["task"] = "anomaly";
    try {
        infer::metadataFromJson(json.dump(), "new.onnx");
        FAIL() << "accepted a task this build does not know";
    } catch (const Error& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("new.onnx"), std::string::npos) << message;
        EXPECT_NE(message.find("\"anomaly\""), std::string::npos) << message;
    }
}

} // namespace
} // namespace kestrel::exporting
