// The segmentation task on hand-made tensors: Dice, pixel accuracy, the pixel confusion
// matrix's IoU and Dice, the verdict figures and the review scores.
#include "loader/loader_options.h"
#include "tasks/segmentation_metrics.h"
#include "tasks/segmentation_task.h"

#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace kestrel::tasks {
namespace {

// Logits that pick `classes` per pixel with near certainty: N x K x H x W.
torch::Tensor certainLogits(const torch::Tensor& classes, std::int64_t count) {
    return torch::one_hot(classes, count).permute({0, 3, 1, 2}).to(torch::kFloat) * 40.0 - 20.0;
}

TEST(SegmentationTask, DiceIsZeroWhenRightAndOneWhenEveryDefectIsMissed) {
    const torch::Tensor truth = torch::tensor({0, 1, 1, 2}, torch::kLong).reshape({1, 2, 2});
    const torch::Tensor right = torch::softmax(certainLogits(truth, 3), 1);
    EXPECT_NEAR(softDiceLoss(right, truth).item<double>(), 0.0, 1e-6);
    const torch::Tensor background = torch::zeros({1, 2, 2}, torch::kLong);
    const torch::Tensor wrong = torch::softmax(certainLogits(background, 3), 1);
    // Class 1: (0 + 1) / (0 + 2 + 1); class 2: (0 + 1) / (0 + 1 + 1).
    const double expected = 1.0 - (1.0 / 3 + 1.0 / 2) / 2;
    EXPECT_NEAR(softDiceLoss(wrong, truth).item<double>(), expected, 1e-6);
}

TEST(SegmentationTask, LossFallsAsOutputsApproachTheTruthAndAccuracyCountsPixels) {
    const SegmentationTask task;
    const torch::Tensor truth =
        torch::tensor({0, 0, 1, 2, 0, 0, 0, 1}, torch::kLong).reshape({2, 2, 2});
    const auto loss = task.createLoss({}, {}, 3, torch::kCPU);
    const torch::Tensor right = certainLogits(truth, 3);
    const torch::Tensor guess = torch::zeros({2, 3, 2, 2});
    EXPECT_LT((*loss)(right, truth).item<double>(), (*loss)(guess, truth).item<double>());
    // Predict background everywhere: 5 of 8 pixels right, summed over two rows of 4.
    const torch::Tensor background = certainLogits(torch::zeros({2, 2, 2}, torch::kLong), 3);
    EXPECT_NEAR(task.countCorrect(background, truth), 2 * (5.0 / 8), 1e-12);
    EXPECT_NEAR(task.countCorrect(right, truth), 2.0, 1e-12);
}

TEST(SegmentationTask, FiguresFromThePixelMatrix) {
    ConfusionMatrix pixels(3);
    pixels.add(0, 0, 900);
    pixels.add(0, 1, 10); // false scratch pixels
    pixels.add(1, 1, 30);
    pixels.add(1, 0, 20); // missed scratch pixels
    // spot (2): in neither truth nor prediction.
    const auto scratch = pixelClassFigures(pixels, 1);
    ASSERT_TRUE(scratch.iou && scratch.dice);
    EXPECT_DOUBLE_EQ(*scratch.iou, 30.0 / 60);
    EXPECT_DOUBLE_EQ(*scratch.dice, 60.0 / 90);
    EXPECT_FALSE(pixelClassFigures(pixels, 2).iou);
    EXPECT_DOUBLE_EQ(meanDefectIou(pixels).value(), 0.5); // the spot is left out

    Evaluation evaluation;
    evaluation.confusion = pixels;
    evaluation.loss = 0.25;
    const SegmentationTask task;
    const auto metrics = task.metrics(evaluation, {"background", "scratch", "spot"}, "val_");
    EXPECT_DOUBLE_EQ(metrics.at("val_miou"), 0.5);
    EXPECT_DOUBLE_EQ(metrics.at("val_iou/scratch"), 0.5);
    EXPECT_DOUBLE_EQ(metrics.at("val_accuracy"), 930.0 / 960);
    EXPECT_EQ(metrics.count("val_iou/spot"), 0u);
    EXPECT_EQ(metrics.count("val_iou/background"), 0u);
    EXPECT_EQ(task.monitorMetrics().front().name, "val_miou");

    evaluation.areas = {{{100, 5, 0}, {100, 0, 0}}, {{100, 0, 0}, {100, 0, 30}}};
    inspection::AreaRule rule;
    rule.minimumPixels = {0, 10, 10};
    const auto verdicts = verdictMetrics(evaluation, rule, "test_");
    EXPECT_DOUBLE_EQ(verdicts.at("test_escape_rate"), 1.0);
    EXPECT_DOUBLE_EQ(verdicts.at("test_false_reject_rate"), 1.0);
    EXPECT_DOUBLE_EQ(verdicts.at("test_ng_as_ok"), 1.0);
    EXPECT_DOUBLE_EQ(verdicts.at("test_ok_as_ng"), 1.0);
    EXPECT_DOUBLE_EQ(verdicts.at("test_verdict_accuracy"), 0.0);
    EXPECT_TRUE(verdictMetrics(Evaluation{}, rule, "test_").empty());
}

TEST(SegmentationTask, ReviewScoresAnImageByItsMostDefectivePixel) {
    const SegmentationTask task;
    torch::Tensor probabilities = torch::zeros({2, 2, 1, 2});
    probabilities[0][0] = torch::tensor({{0.9f, 0.3f}}); // one pixel 0.7 defect
    probabilities[0][1] = torch::tensor({{0.1f, 0.7f}});
    probabilities[1][0] = torch::tensor({{0.95f, 0.8f}}); // at most 0.2
    probabilities[1][1] = torch::tensor({{0.05f, 0.2f}});
    // Row 0 finds its one defect pixel and nothing else; row 1 misses its one.
    const auto masks = torch::tensor({0, 1, 0, 1}, torch::kLong).reshape({2, 1, 2});
    const auto scores =
        task.sampleScores(probabilities.contiguous(), torch::tensor({1, 1}, torch::kLong), masks);
    ASSERT_EQ(scores.size(), 2u);
    EXPECT_EQ(scores[0].predicted, 1);
    EXPECT_NEAR(scores[0].probabilities[1], 0.7, 1e-6);
    EXPECT_EQ(scores[1].predicted, 0);
    EXPECT_NEAR(scores[1].truthProbability, 0.2, 1e-6);
    EXPECT_FLOAT_EQ(scores[0].loss, 0.0f);
    EXPECT_FLOAT_EQ(scores[1].loss, 1.0f);
}

TEST(SegmentationTask, ReviewLossIsOneMinusTheImagesMeanIouOverItsDefectClasses) {
    const SegmentationTask task;
    // Three classes on a 1 x 4 strip: the model says 0 1 1 2 everywhere.
    torch::Tensor probabilities = torch::zeros({3, 3, 1, 4});
    const std::vector<std::int64_t> said = {0, 1, 1, 2};
    for (std::int64_t row = 0; row < 3; ++row) {
        for (std::int64_t x = 0; x < 4; ++x) {
            probabilities[row][said[static_cast<std::size_t>(x)]][0][x] = 1.0f;
        }
    }
    const auto masks = torch::tensor({0, 1, 0, 2,  // class 1: 1 of 2, class 2: 1 of 1
                                      0, 1, 1, 2,  // all right
                                      2, 2, 2, 0}, // class 1: 0 of 2, class 2: 0 of 4
                                     torch::kLong)
                           .reshape({3, 1, 4});
    const auto scores = task.sampleScores(probabilities.contiguous(),
                                          torch::tensor({1, 1, 1}, torch::kLong), masks);
    ASSERT_EQ(scores.size(), 3u);
    EXPECT_NEAR(scores[0].loss, 1.0 - (0.5 + 1.0) / 2, 1e-6);
    EXPECT_NEAR(scores[1].loss, 0.0, 1e-6);
    EXPECT_NEAR(scores[2].loss, 1.0, 1e-6);

    // An image without defects in truth or prediction has nothing to miss.
    torch::Tensor background = torch::zeros({1, 3, 1, 4});
    background[0][0] = 1.0f;
    const auto clean = task.sampleScores(background.contiguous(), torch::tensor({0}, torch::kLong),
                                         torch::zeros({1, 1, 4}, torch::kLong));
    EXPECT_NEAR(clean[0].loss, 0.0, 1e-6);
}

} // namespace
} // namespace kestrel::tasks
