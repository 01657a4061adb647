#include "common/error.h"
#include "models/model_registry.h"

#include <string>
#include <vector>

#include <ATen/ops/randn.h>
#include <gtest/gtest.h>
#include <torch/csrc/api/include/torch/utils.h>

namespace kestrel::models {
namespace {

std::vector<std::string> names() {
    std::vector<std::string> all;
    for (const auto& info : architectures()) {
        all.push_back(info.name);
    }
    return all;
}

TEST(ModelRegistryTest, ListsSmallCnnAndTheTorchvisionArchitecturesWithTheirSizes) {
    EXPECT_EQ(names(), (std::vector<std::string>{
                           "smallcnn", "resnet18", "resnet34", "resnet50", "wide_resnet50_2",
                           "mobilenet_v3_small", "mobilenet_v3_large", "efficientnet_b0",
                           "efficientnet_b1", "efficientnet_b2", "efficientnet_b3"}));
    EXPECT_EQ(architecture("resnet50").defaultImageSize, 224);
    EXPECT_EQ(architecture("efficientnet_b1").defaultImageSize, 240);
    EXPECT_EQ(architecture("efficientnet_b2").defaultImageSize, 260);
    EXPECT_EQ(architecture("efficientnet_b3").defaultImageSize, 300);
    for (const auto& info : architectures()) {
        EXPECT_FALSE(info.description.empty()) << info.name;
        EXPECT_LE(info.minImageSize, info.defaultImageSize) << info.name;
    }
}

TEST(ModelRegistryTest, RefusesUnknownNamesAndBadCounts) {
    for (const ClassifierSpec& spec :
         {ClassifierSpec{"resnet19", 2, 3}, ClassifierSpec{"resnet18", 1, 3},
          ClassifierSpec{"resnet18", 2, 4}}) {
        try {
            createClassifier(spec);
            ADD_FAILURE() << "created " << spec.architecture;
        } catch (const Error& error) {
            EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument) << error.what();
        }
    }
}

// At its smallest input, every architecture trains (batch of 2, with a backward pass) and
// predicts (batch of 1, eval) for gray and RGB input, giving N x classes logits.
class ArchitectureAtMinimumSizeTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ArchitectureAtMinimumSizeTest, GivesOneRowOfLogitsPerImageForGrayAndRgb) {
    const ArchitectureInfo& info = architecture(GetParam());
    const int size = info.minImageSize;
    for (int channels : {1, 3}) {
        SCOPED_TRACE("channels " + std::to_string(channels));
        auto model = createClassifier({info.name, 5, channels});
        EXPECT_EQ(model->architecture(), info.name);

        model->train();
        const auto train = model->forward(at::randn({2, channels, size, size}));
        EXPECT_EQ(train.sizes(), (at::IntArrayRef{2, 5}));
        train.logsumexp(1).sum().backward();
        for (const auto& parameter : model->parameters()) {
            ASSERT_TRUE(parameter.grad().defined());
        }

        model->eval();
        torch::NoGradGuard noGrad;
        const auto eval = model->forward(at::randn({1, channels, size, size}));
        EXPECT_EQ(eval.sizes(), (at::IntArrayRef{1, 5}));
        EXPECT_TRUE(eval.isfinite().all().item<bool>());
    }
}

INSTANTIATE_TEST_SUITE_P(Architectures, ArchitectureAtMinimumSizeTest, ::testing::ValuesIn(names()),
                         [](const auto& param) { return param.param; });

// Grad-CAM takes gradients at features(); that only explains forward() when forward is
// classify(features(x)) to the bit, and features() are spatial maps smaller than the image.
class FeatureSplitTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FeatureSplitTest, ForwardIsClassifyOfFeaturesExactly) {
    const ArchitectureInfo& info = architecture(GetParam());
    const int size = info.minImageSize;
    auto model = createClassifier({info.name, 3, 3});
    model->eval();
    torch::NoGradGuard noGrad;
    const auto images = at::randn({2, 3, size, size});

    const auto maps = model->features(images);
    ASSERT_EQ(maps.dim(), 4);
    EXPECT_EQ(maps.size(0), 2);
    EXPECT_GE(maps.size(2), 1);
    EXPECT_LT(maps.size(2), size);
    EXPECT_LT(maps.size(3), size);
    const auto logits = model->forward(images);
    EXPECT_EQ(logits.sizes(), (at::IntArrayRef{2, 3}));
    EXPECT_TRUE(logits.equal(model->classify(maps)));
}

INSTANTIATE_TEST_SUITE_P(Architectures, FeatureSplitTest, ::testing::ValuesIn(names()),
                         [](const auto& param) { return param.param; });

} // namespace
} // namespace kestrel::models
