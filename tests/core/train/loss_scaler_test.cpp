#include "train/loss_scaler.h"

#include <limits>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

namespace kestrel::train {
namespace {

at::Tensor parameterWithGradient(std::vector<float> gradient) {
    at::Tensor parameter = at::zeros({static_cast<std::int64_t>(gradient.size())});
    parameter.mutable_grad() = at::tensor(gradient);
    return parameter;
}

TEST(LossScalerTest, ScalesTheLossAndUnscalesGradientsBack) {
    LossScaler scaler(true, {1024.0, 0});
    EXPECT_FLOAT_EQ(scaler.scale(at::tensor(2.0f)).item<float>(), 2048.0f);
    const at::Tensor parameter = parameterWithGradient({1024.0f, -2048.0f});
    EXPECT_TRUE(scaler.unscale({parameter}));
    EXPECT_FLOAT_EQ(parameter.grad()[0].item<float>(), 1.0f);
    EXPECT_FLOAT_EQ(parameter.grad()[1].item<float>(), -2.0f);
}

TEST(LossScalerTest, AnInfiniteGradientSkipsTheStepAndHalvesTheScale) {
    LossScaler scaler(true, {1024.0, 5});
    const at::Tensor parameter =
        parameterWithGradient({1.0f, std::numeric_limits<float>::infinity()});
    const bool finite = scaler.unscale({parameter});
    EXPECT_FALSE(finite);
    scaler.update(finite);
    EXPECT_DOUBLE_EQ(scaler.state().scale, 512.0);
    EXPECT_EQ(scaler.state().cleanSteps, 0);
    EXPECT_FALSE(scaler.unscale({parameterWithGradient({std::nanf("")})}));
}

TEST(LossScalerTest, TheScaleDoublesAfterGrowthIntervalCleanSteps) {
    LossScaler scaler(true, {256.0, 0}, /*growthInterval=*/3);
    scaler.update(true);
    scaler.update(true);
    EXPECT_DOUBLE_EQ(scaler.state().scale, 256.0);
    scaler.update(true);
    EXPECT_DOUBLE_EQ(scaler.state().scale, 512.0);
    EXPECT_EQ(scaler.state().cleanSteps, 0);
}

TEST(LossScalerTest, DisabledLeavesLossAndGradientsAloneButStillChecksThem) {
    LossScaler scaler(false);
    EXPECT_FLOAT_EQ(scaler.scale(at::tensor(3.0f)).item<float>(), 3.0f);
    const at::Tensor parameter = parameterWithGradient({5.0f});
    EXPECT_TRUE(scaler.unscale({parameter}));
    EXPECT_FLOAT_EQ(parameter.grad()[0].item<float>(), 5.0f);
    scaler.update(false);
    EXPECT_DOUBLE_EQ(scaler.state().scale, 65536.0);
    EXPECT_FALSE(scaler.unscale({parameterWithGradient({std::nanf("")})}));
}

} // namespace
} // namespace kestrel::train
