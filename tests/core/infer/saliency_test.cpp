// Grad-CAM on a model trained here to find a bright spot in noise: the heat map's peak must
// sit on the spot, at the image's own size; and the mechanics (range, the model's mode, no
// gradients left in parameters, errors) on a fresh model.
#include "common/error.h"
#include "infer/saliency.h"
#include "models/model_registry.h"
#include "planted_spot_run.h"
#include "runs/trained_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include <ATen/ops/randn.h>
#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <torch/utils.h>

namespace kestrel::infer {
namespace {

cv::Point heatPeak(const cv::Mat& heat) {
    cv::Point peak;
    cv::minMaxLoc(heat, nullptr, nullptr, nullptr, &peak);
    return peak;
}

double distance(const cv::Point& peak, const cv::Point2d& centre) {
    return std::hypot(peak.x - centre.x, peak.y - centre.y);
}

void expectUnitRange(const cv::Mat& heat) {
    double low = 0;
    double high = 0;
    cv::minMaxLoc(heat, &low, &high);
    EXPECT_GE(low, 0.0);
    EXPECT_LE(high, 1.0 + 1e-6);
}

// smallcnn's feature maps have stride 4 (its last convolutions, before the last max-pool),
// so one cell of the map covers 4x4 pixels of a 32 px image: the peak may land anywhere in
// the spot's cell or, after bilinear upsampling, the neighbouring half-cell. 4 px is one cell.
constexpr double kTolerance = 4.0;

TEST(SaliencyTest, TheHeatMapOfATrainedModelPeaksOnThePlantedSpot) {
    testing::TempDir dir;
    testing::PlantedSpotRun run = testing::trainPlantedSpotRun(dir);
    EXPECT_GE(run.testAccuracy, 0.9); // chance is 0.5
    runs::TrainedRun trained = runs::loadTrainedRun(run.project, run.runId);
    const auto& classes = trained.data.data.classes;
    const auto spotClass = std::find(classes.begin(), classes.end(), "spot") - classes.begin();
    ASSERT_LT(spotClass, static_cast<std::ptrdiff_t>(classes.size()));

    // Held-out images, none of them imported.
    std::mt19937 random(99);
    constexpr int kHeldOut = 6;
    int onTheSpot = 0;
    for (int i = 0; i < kHeldOut; ++i) {
        const testing::SpotImage image = testing::spotImage(random, 32, 32, true);
        const auto file = dir / ("held-out-" + std::to_string(i) + ".png");
        testing::writeImage(file, image.pixels);
        const Saliency saliency =
            saliencyForImage(*trained.model, runs::modelMetadata(trained), file);
        EXPECT_EQ(saliency.predicted, spotClass) << file;
        EXPECT_EQ(saliency.target, saliency.predicted);
        EXPECT_GT(saliency.confidence, 0.5f);
        ASSERT_EQ(saliency.probabilities.size(), classes.size());
        ASSERT_EQ(saliency.heat.type(), CV_32F);
        ASSERT_EQ(saliency.heat.size(), image.pixels.size());
        expectUnitRange(saliency.heat);
        const double off = distance(heatPeak(saliency.heat), image.centre);
        std::printf("held-out %d: spot at (%.1f, %.1f), peak %.2f px away\n", i, image.centre.x,
                    image.centre.y, off);
        onTheSpot += off <= kTolerance ? 1 : 0;
    }
    EXPECT_GE(onTheSpot, kHeldOut - 1);

    // A larger, non-square image is stretched to 32x32 for the model; the heat map comes
    // back at 64x48 with its peak on the spot in the image's own coordinates.
    const testing::SpotImage wide = testing::spotImage(random, 64, 48, true);
    const auto wideFile = dir / "wide.png";
    testing::writeImage(wideFile, wide.pixels);
    const Saliency saliency =
        saliencyForImage(*trained.model, runs::modelMetadata(trained), wideFile);
    EXPECT_EQ(saliency.predicted, spotClass);
    ASSERT_EQ(saliency.heat.cols, 64);
    ASSERT_EQ(saliency.heat.rows, 48);
    EXPECT_LE(distance(heatPeak(saliency.heat), wide.centre),
              kTolerance * 2.0); // 2 px per input px

    // Asked for the other class, it explains that one instead.
    const auto cleanClass = 1 - spotClass;
    const Saliency clean =
        saliencyForImage(*trained.model, runs::modelMetadata(trained), wideFile, cleanClass);
    EXPECT_EQ(clean.target, cleanClass);
    EXPECT_EQ(clean.predicted, spotClass);
}

TEST(SaliencyTest, GradCamRestoresTheModelsModeAndLeavesNoGradients) {
    auto model = models::createClassifier({"smallcnn", 3, 1});
    model->train();
    const auto input = at::randn({1, 1, 24, 20});
    cv::Mat heat;
    {
        torch::NoGradGuard callerHasGradientsOff; // Grad-CAM turns them on for itself
        heat = gradCam(*model, input, 2);
    }
    EXPECT_TRUE(model->is_training());
    for (const auto& parameter : model->parameters()) {
        EXPECT_FALSE(parameter.grad().defined());
    }
    ASSERT_EQ(heat.type(), CV_32F);
    EXPECT_EQ(heat.rows, 24);
    EXPECT_EQ(heat.cols, 20);
    EXPECT_TRUE(heat.isContinuous());
    expectUnitRange(heat);
    double high = 0;
    cv::minMaxLoc(heat, nullptr, &high);
    EXPECT_TRUE(high == 0.0 || std::abs(high - 1.0) < 1e-6) << high; // divided by its max

    // Eval mode inside: the same input gives the same map twice (dropout would not).
    EXPECT_EQ(cv::norm(heat, gradCam(*model, input, 2), cv::NORM_INF), 0.0);
}

TEST(SaliencyTest, RefusesBatchesAndClassesOutOfRangeAndNamesUnreadableFiles) {
    auto model = models::createClassifier({"smallcnn", 2, 1});
    EXPECT_THROW(gradCam(*model, at::randn({2, 1, 16, 16}), 0), Error);
    EXPECT_THROW(gradCam(*model, at::randn({1, 1, 16, 16}), 2), Error);
    EXPECT_THROW(gradCam(*model, at::randn({1, 1, 16, 16}), -1), Error);

    testing::TempDir dir;
    const auto broken = dir / "broken.png";
    testing::writeBytes(broken, "not an image");
    ModelMetadata input;
    input.width = input.height = 32;
    input.channels = 1;
    input.mean = {0.5};
    input.std = {0.25};
    try {
        saliencyForImage(*model, input, broken);
        ADD_FAILURE() << "read " << broken;
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("broken.png"), std::string::npos) << error.what();
    }
}

} // namespace
} // namespace kestrel::infer
