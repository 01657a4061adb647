#include "common/error.h"
#include "files.h"
#include "models/mobilenet_v3.h"
#include "models/model_registry.h"
#include "models/state_dict_reader.h"
#include "models/torchvision_weights.h"
#include "temp_dir.h"
#include "torchvision_reference.h"

#include <algorithm>
#include <map>
#include <string>

#include <ATen/Functions.h>
#include <ATen/ops/equal.h>
#include <gtest/gtest.h>
#include <torch/csrc/api/include/torch/utils.h>

namespace kestrel::models {
namespace {

using kestrel::testing::TempDir;

std::map<std::string, at::Tensor> modelTensors(Classifier& model) {
    std::map<std::string, at::Tensor> all;
    for (const auto& item : model.named_parameters()) {
        all.emplace(item.key(), item.value().detach().clone());
    }
    for (const auto& item : model.named_buffers()) {
        all.emplace(item.key(), item.value().clone());
    }
    return all;
}

bool startsWith(const std::string& text, const std::string& prefix) {
    return text.rfind(prefix, 0) == 0;
}

#define SKIP_WITHOUT(reference)                                                                    \
    if (!(reference).available) {                                                                  \
        GTEST_SKIP() << "no PyTorch reference: " << (reference).problem;                           \
    }

TEST(TorchvisionWeightsTest, AnotherClassCountKeepsTheFreshHeadAndLoadsEverythingElse) {
    TempDir dir;
    const auto reference = testing::writeTorchvisionModels(dir.path(), {"mobilenet_v3_small"});
    SKIP_WITHOUT(reference);
    const auto file = dir / "mobilenet_v3_small.pth";

    auto model = createClassifier({"mobilenet_v3_small", 3, 3});
    const auto before = modelTensors(*model);
    const WeightImport import = loadTorchvisionWeights(*model, file);
    EXPECT_TRUE(import.headReplaced);
    EXPECT_EQ(import.fileClasses, 1000);
    EXPECT_FALSE(import.stemFolded);

    const auto after = modelTensors(*model);
    int compared = 0;
    for (const auto& [name, tensor] : readStateDict(file)) {
        SCOPED_TRACE(name);
        if (startsWith(name, model->headName() + ".")) {
            EXPECT_EQ(tensor.size(0), 1000);
            EXPECT_TRUE(at::equal(after.at(name), before.at(name))) << "the head was touched";
            EXPECT_EQ(after.at(name).size(0), 3);
        } else {
            EXPECT_TRUE(at::equal(after.at(name), tensor.to(after.at(name).scalar_type())));
            ++compared;
        }
    }
    EXPECT_EQ(import.loaded, compared);
    EXPECT_EQ(after.size(), static_cast<size_t>(compared + 2));
}

// Summing the RGB filters of the stem makes a gray image x give what (x, x, x) gave.
TEST(TorchvisionWeightsTest, GrayModelsFoldTheRgbStemAndSeeGrayAsRgbModelsDo) {
    TempDir dir;
    const auto reference =
        testing::writeTorchvisionModels(dir.path(), {"resnet18", "mobilenet_v3_small"}, 10);
    SKIP_WITHOUT(reference);
    for (const std::string arch : {"resnet18", "mobilenet_v3_small"}) {
        SCOPED_TRACE(arch);
        auto rgb = createClassifier({arch, 10, 3});
        auto gray = createClassifier({arch, 10, 1});
        EXPECT_FALSE(loadTorchvisionWeights(*rgb, dir / (arch + ".pth")).stemFolded);
        const WeightImport import = loadTorchvisionWeights(*gray, dir / (arch + ".pth"));
        EXPECT_TRUE(import.stemFolded);
        EXPECT_FALSE(import.headReplaced);

        rgb->eval();
        gray->eval();
        torch::NoGradGuard noGrad;
        const auto images = readStateDict(dir / (arch + "_reference.pth")).front().second;
        const at::Tensor grayImages = images.mean(1, /*keepdim=*/true);
        const at::Tensor fromGray = gray->forward(grayImages);
        const at::Tensor fromRgb = rgb->forward(grayImages.expand({-1, 3, -1, -1}));
        const double scale = std::max(1.0, fromRgb.abs().max().item<double>());
        EXPECT_LT((fromGray - fromRgb).abs().max().item<double>(), 1e-4 * scale);
    }
}

TEST(TorchvisionWeightsTest, ADetectorsBackboneStartsFromItsClassifiersWeights) {
    TempDir dir;
    const auto reference = testing::writeTorchvisionModels(dir.path(), {"resnet18"});
    SKIP_WITHOUT(reference);
    EXPECT_EQ(pretrainedWeightsName("fcos_resnet18"), "resnet18");
    EXPECT_EQ(pretrainedWeightsName("resnet34"), "resnet34");
    for (const int channels : {3, 1}) {
        SCOPED_TRACE(channels);
        auto detector = createDetector({"fcos_resnet18", 3, channels});
        const auto before = modelTensors(*detector);
        const WeightImport import = loadTorchvisionWeights(*detector, dir / "resnet18.pth");
        EXPECT_TRUE(import.headReplaced); // the backbone's fc, never run, keeps one class
        EXPECT_EQ(import.stemFolded, channels == 1);
        const auto after = modelTensors(*detector);
        int loaded = 0;
        for (const auto& [name, tensor] : readStateDict(dir / "resnet18.pth")) {
            if (startsWith(name, "fc.") || name.find("num_batches_tracked") != std::string::npos) {
                continue;
            }
            SCOPED_TRACE(name);
            ASSERT_TRUE(after.count("backbone." + name));
            const at::Tensor expected =
                name == "conv1.weight" && channels == 1 ? tensor.sum(1, true) : tensor;
            EXPECT_TRUE(at::allclose(after.at("backbone." + name), expected));
            ++loaded;
        }
        EXPECT_EQ(loaded, 100); // resnet18's convolutions and batch norms
        // The pyramid and the towers keep their initial weights.
        int fresh = 0;
        for (const auto& [name, tensor] : before) {
            if (!startsWith(name, "backbone.")) {
                EXPECT_TRUE(at::equal(after.at(name), tensor)) << name;
                ++fresh;
            }
        }
        EXPECT_GT(fresh, 10);
    }
}

// A MobileNetV3 backbone is built without its classifier: the file's loads into "features"
// alone, and its classifier is left out rather than refused.
TEST(TorchvisionWeightsTest, AMobileNetDetectorTakesTheFeaturesAndLeavesTheClassifier) {
    TempDir dir;
    const auto reference = testing::writeTorchvisionModels(dir.path(), {"mobilenet_v3_large"});
    SKIP_WITHOUT(reference);
    auto detector = createDetector({"fcos_mobilenet_v3_large", 3, 3});
    for (const auto& item : detector->named_parameters()) {
        EXPECT_FALSE(startsWith(item.key(), "backbone.classifier")) << item.key();
    }
    const WeightImport import = loadTorchvisionWeights(*detector, dir / "mobilenet_v3_large.pth");
    EXPECT_TRUE(import.headReplaced);
    const auto after = modelTensors(*detector);
    int loaded = 0;
    for (const auto& [name, tensor] : readStateDict(dir / "mobilenet_v3_large.pth")) {
        if (startsWith(name, "classifier.")) {
            continue;
        }
        SCOPED_TRACE(name);
        ASSERT_TRUE(after.count("backbone." + name));
        EXPECT_TRUE(at::equal(after.at("backbone." + name), tensor));
        ++loaded;
    }
    EXPECT_EQ(loaded, import.loaded); // every tensor of "features", batch counters included
    EXPECT_GT(loaded, 300);
    // Built as a backbone, it cannot classify.
    MobileNetV3 headless(MobileNetV3::Size::Large, 3);
    EXPECT_THROW(headless.classify(at::zeros({1, 960, 2, 2})), Error);
}

// torchvision's segmenters take MobileNetV3-Large's ImageNet weights into their dilated
// backbone ("features.N" in the file, "backbone.N" in the model), as its weights_backbone
// does; the head keeps its initial weights.
TEST(TorchvisionWeightsTest, ASegmentersBackboneStartsFromMobileNetsImageNetWeights) {
    TempDir dir;
    const auto reference = testing::writeTorchvisionModels(dir.path(), {"mobilenet_v3_large"});
    SKIP_WITHOUT(reference);
    EXPECT_EQ(pretrainedWeightsName("unet"), "unet");
    const auto file = dir / "mobilenet_v3_large.pth";
    for (const std::string arch : {"lraspp_mobilenet_v3_large", "deeplabv3_mobilenet_v3_large"}) {
        EXPECT_EQ(pretrainedWeightsName(arch), "mobilenet_v3_large");
        for (const int channels : {3, 1}) {
            SCOPED_TRACE(arch + ", " + std::to_string(channels) + " channels");
            auto segmenter = createSegmenter({arch, 4, channels});
            const auto before = modelTensors(*segmenter);
            const WeightImport import = loadTorchvisionWeights(*segmenter, file);
            EXPECT_TRUE(import.headReplaced); // the classifier's, which a segmenter lacks
            EXPECT_EQ(import.stemFolded, channels == 1);
            const auto after = modelTensors(*segmenter);
            int loaded = 0;
            for (const auto& [name, tensor] : readStateDict(file)) {
                if (startsWith(name, "classifier.")) {
                    continue;
                }
                const std::string ours = "backbone." + name.substr(std::string("features.").size());
                ASSERT_TRUE(after.count(ours)) << name;
                const at::Tensor expected =
                    name == "features.0.0.weight" && channels == 1 ? tensor.sum(1, true) : tensor;
                EXPECT_TRUE(at::allclose(after.at(ours), expected.to(after.at(ours).scalar_type())))
                    << name;
                ++loaded;
            }
            EXPECT_EQ(loaded, import.loaded);
            int fresh = 0;
            for (const auto& [name, tensor] : before) {
                if (startsWith(name, "classifier.")) {
                    EXPECT_TRUE(at::equal(after.at(name), tensor)) << name;
                    ++fresh;
                }
            }
            EXPECT_GT(fresh, 3);
        }
    }
}

// Runs `load`, expecting Error(kind) whose sentence holds every piece of `expected`.
template <typename Load>
void expectError(Load load, ErrorKind kind, const std::vector<std::string>& expected) {
    try {
        load();
        ADD_FAILURE() << "loaded without error";
    } catch (const Error& error) {
        const std::string message = error.what();
        EXPECT_EQ(error.kind(), kind) << message;
        for (const auto& piece : expected) {
            EXPECT_NE(message.find(piece), std::string::npos) << piece << " not in: " << message;
        }
    }
}

TEST(TorchvisionWeightsTest, WeightsOfAnotherArchitectureAreRefusedAndChangeNothing) {
    TempDir dir;
    const auto reference = testing::writeTorchvisionModels(
        dir.path(), {"resnet18", "mobilenet_v3_small", "efficientnet_b1"}, 10);
    SKIP_WITHOUT(reference);

    auto resnet34 = createClassifier({"resnet34", 10, 3});
    const auto before = modelTensors(*resnet34);
    const auto resnet18File = (dir / "resnet18.pth").string();
    expectError([&] { loadTorchvisionWeights(*resnet34, resnet18File); },
                ErrorKind::InvalidArgument,
                {resnet18File, "does not fit resnet34", "lacks \"layer1.2.conv1.weight\""});
    for (const auto& [name, tensor] : modelTensors(*resnet34)) {
        EXPECT_TRUE(at::equal(tensor, before.at(name))) << name << " changed";
    }

    auto resnet18 = createClassifier({"resnet18", 10, 3});
    const auto mobilenetFile = (dir / "mobilenet_v3_small.pth").string();
    expectError([&] { loadTorchvisionWeights(*resnet18, mobilenetFile); },
                ErrorKind::InvalidArgument,
                {mobilenetFile, "does not fit resnet18", "has \"features.0.0.weight\"",
                 "lacks \"conv1.weight\""});

    auto efficientnet = createClassifier({"efficientnet_b2", 10, 3});
    const auto b1File = (dir / "efficientnet_b1.pth").string();
    expectError(
        [&] { loadTorchvisionWeights(*efficientnet, b1File); }, ErrorKind::InvalidArgument,
        {b1File, "does not fit efficientnet_b2", "has shape [40, ", "in the file but [48, "});
}

TEST(TorchvisionWeightsTest, UnreadableFilesKeepTheReadersErrors) {
    TempDir dir;
    auto model = createClassifier({"resnet18", 2, 3});
    expectError([&] { loadTorchvisionWeights(*model, dir / "absent.pth"); }, ErrorKind::NotFound,
                {"absent.pth"});
    testing::writeBytes(dir / "noise.pth", testing::randomBytes(1000, 3));
    expectError([&] { loadTorchvisionWeights(*model, dir / "noise.pth"); }, ErrorKind::Corrupt,
                {(dir / "noise.pth").string(), "is not a PyTorch state_dict"});
}

TEST(TorchvisionWeightsTest, MissingBatchCountersAreFine) {
    TempDir dir;
    const auto reference = testing::writeTorchvisionModels(dir.path(), {"resnet18"}, 10, true);
    SKIP_WITHOUT(reference);
    auto model = createClassifier({"resnet18", 10, 3});
    const WeightImport import = loadTorchvisionWeights(*model, dir / "resnet18_no_counters.pth");
    EXPECT_EQ(static_cast<size_t>(import.loaded),
              readStateDict(dir / "resnet18_no_counters.pth").size());
    EXPECT_EQ(modelTensors(*model).at("bn1.num_batches_tracked").item<int64_t>(), 0);
}

} // namespace
} // namespace kestrel::models
