#include "models/model_registry.h"
#include "models/state_dict_reader.h"
#include "models/torchvision_weights.h"
#include "temp_dir.h"
#include "torchvision_reference.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <torch/csrc/api/include/torch/utils.h>

namespace kestrel::models {
namespace {

using kestrel::testing::TempDir;

std::map<std::string, at::Tensor> tensorsIn(const std::filesystem::path& file) {
    std::map<std::string, at::Tensor> byName;
    for (auto& [name, tensor] : readStateDict(file)) {
        byName.emplace(name, tensor);
    }
    return byName;
}

// torchvision builds the model (seeded, random batch-norm statistics), saves its state_dict
// and its logits for a fixed input; Kestrel's model must load the file key for key and
// compute the same logits in eval mode.
void expectTorchvisionLogits(Classifier& model, const std::filesystem::path& dir,
                             const std::string& arch) {
    const WeightImport import = loadTorchvisionWeights(model, dir / (arch + ".pth"));
    EXPECT_FALSE(import.headReplaced);
    EXPECT_FALSE(import.stemFolded);
    EXPECT_EQ(static_cast<size_t>(import.loaded), tensorsIn(dir / (arch + ".pth")).size());

    const auto expected = tensorsIn(dir / (arch + "_reference.pth"));
    model.eval();
    torch::NoGradGuard noGrad;
    const at::Tensor logits = model.forward(expected.at("input"));
    const at::Tensor& want = expected.at("logits");
    ASSERT_EQ(logits.sizes(), want.sizes());
    const double scale = std::max(1.0, want.abs().max().item<double>());
    const double maxDiff = (logits - want).abs().max().item<double>();

    // The architecture is proven in float64, where any mistake (a wrong eps, stride or
    // activation) stands out from rounding by many orders; float32 only has to agree to
    // what different convolution kernels (LibTorch 1.13 against 2.x) leave.
    model.to(torch::kDouble);
    const at::Tensor logits64 = model.forward(expected.at("input").to(torch::kDouble));
    const double maxDiff64 = (logits64 - expected.at("logits64")).abs().max().item<double>();
    std::cout << arch << ": max |kestrel - torchvision| = " << maxDiff << " in float32, "
              << maxDiff64 << " in float64 (logits up to " << want.abs().max().item<double>()
              << ")\n";
    ::testing::Test::RecordProperty("max_abs_diff", std::to_string(maxDiff));
    ::testing::Test::RecordProperty("max_abs_diff_float64", std::to_string(maxDiff64));
    EXPECT_LT(maxDiff64, 1e-9 * scale);
    EXPECT_LT(maxDiff, 1e-3 * scale);
}

class TorchvisionParityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TorchvisionParityTest, LoadsTorchvisionWeightsAndComputesTheSameLogits) {
    const std::string arch = GetParam();
    TempDir dir;
    const auto reference = kestrel::testing::writeTorchvisionModels(dir.path(), {arch});
    if (!reference.available) {
        GTEST_SKIP() << "no PyTorch reference: " << reference.problem;
    }
    expectTorchvisionLogits(*createClassifier({arch, 1000, 3}), dir.path(), arch);
}

// The same for torchvision's segmentation models: per-pixel logits ("out") for four classes.
class TorchvisionSegmentationParityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TorchvisionSegmentationParityTest, LoadsTorchvisionWeightsAndComputesTheSameLogits) {
    const std::string arch = GetParam();
    TempDir dir;
    const auto reference = kestrel::testing::writeTorchvisionModels(dir.path(), {arch}, 4);
    if (!reference.available) {
        GTEST_SKIP() << "no PyTorch reference: " << reference.problem;
    }
    expectTorchvisionLogits(*createSegmenter({arch, 4, 3}), dir.path(), arch);
}

INSTANTIATE_TEST_SUITE_P(Architectures, TorchvisionSegmentationParityTest,
                         ::testing::Values("lraspp_mobilenet_v3_large",
                                           "deeplabv3_mobilenet_v3_large"),
                         [](const auto& param) { return param.param; });

INSTANTIATE_TEST_SUITE_P(Architectures, TorchvisionParityTest,
                         ::testing::Values("resnet18", "resnet34", "resnet50", "wide_resnet50_2",
                                           "mobilenet_v3_small", "mobilenet_v3_large",
                                           "efficientnet_b0", "efficientnet_b1", "efficientnet_b2",
                                           "efficientnet_b3"),
                         [](const auto& param) { return param.param; });

} // namespace
} // namespace kestrel::models
