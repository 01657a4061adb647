#include "inspection/anomaly_metrics.h"

#include <random>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::inspection {
namespace {

TEST(AnomalyMetricsTest, AreaUnderRocCountsPairsAndHalvesTies) {
    // Defects 0.9, 0.4; good 0.5, 0.1: of 4 pairs, 3 ranked right.
    EXPECT_DOUBLE_EQ(areaUnderRoc({0.9F, 0.5F, 0.4F, 0.1F}, {1, 0, 1, 0}), 0.75);
    // A tie between a defect and a good part counts half: (1 + 0.5) / 2.
    EXPECT_DOUBLE_EQ(areaUnderRoc({0.7F, 0.7F, 0.2F}, {1, 0, 0}), 0.75);
    EXPECT_DOUBLE_EQ(areaUnderRoc({0.1F, 0.2F}, {1, 1}), 0.5); // no good part: undefined
    EXPECT_DOUBLE_EQ(areaUnderRoc({0.1F, 0.2F, 0.3F}, {0, 0, 1}), 1.0);
}

TEST(AnomalyMetricsTest, AreaUnderRocAgreesWithCountingEveryPair) {
    // Scores on a coarse grid, so ties between and within the classes are common.
    std::mt19937 random(21);
    for (int trial = 0; trial < 20; ++trial) {
        std::uniform_int_distribution<int> level(0, trial % 2 == 0 ? 6 : 1000);
        std::bernoulli_distribution isDefect(0.1 + 0.04 * trial);
        std::vector<float> scores;
        std::vector<std::uint8_t> defect;
        for (int i = 0; i < 40 + 7 * trial; ++i) {
            defect.push_back(isDefect(random) ? 1 : 0);
            scores.push_back(static_cast<float>(level(random) + 2 * defect.back()) / 10.0F);
        }
        double wins = 0;
        double pairs = 0;
        for (std::size_t i = 0; i < scores.size(); ++i) {
            for (std::size_t j = 0; j < scores.size(); ++j) {
                if (defect[i] != 0 && defect[j] == 0) {
                    wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
                    pairs += 1;
                }
            }
        }
        EXPECT_NEAR(areaUnderRoc(scores, defect), pairs > 0 ? wins / pairs : 0.5, 1e-12)
            << "trial " << trial;
    }
}

TEST(AnomalyMetricsTest, CountsAtAThresholdCallDefectsAtOrAboveIt) {
    const auto counts = countsAt({0.9F, 0.5F, 0.4F, 0.1F}, {1, 0, 1, 0}, 0.5);
    EXPECT_EQ(counts.truePositives, 1);
    EXPECT_EQ(counts.falseNegatives, 1);
    EXPECT_EQ(counts.falsePositives, 1);
    EXPECT_EQ(counts.trueNegatives, 1);
    EXPECT_DOUBLE_EQ(counts.f1(), 0.5);
    EXPECT_DOUBLE_EQ(counts.escapeRate(), 0.5);
    EXPECT_DOUBLE_EQ(counts.falseRejectRate(), 0.5);
}

TEST(AnomalyMetricsTest, BestF1ThresholdSitsMidwayBelowTheLowestDefectItCalls) {
    // Separable: every defect above every good part; the threshold halves the gap.
    EXPECT_NEAR(bestF1Threshold({0.2F, 0.3F, 0.7F, 0.8F}, {0, 0, 1, 1}), 0.5, 1e-6);
    // One defect among the good ones: calling it too would reject two good parts (F1 0.75)
    // while leaving it catches 2 of 3 with none rejected (F1 0.8).
    const std::vector<float> scores = {0.1F, 0.25F, 0.3F, 0.35F, 0.9F, 0.95F};
    const std::vector<std::uint8_t> defect = {0, 1, 0, 0, 1, 1};
    EXPECT_DOUBLE_EQ(bestF1Threshold(scores, defect),
                     (static_cast<double>(0.35F) + static_cast<double>(0.9F)) / 2.0);
    // Without defects: above the largest good score by their spread.
    const double goodOnly = bestF1Threshold({1.0F, 2.0F, 3.0F}, {0, 0, 0});
    EXPECT_NEAR(goodOnly, 3.0 + std::sqrt(2.0 / 3.0), 1e-6);
    EXPECT_EQ(countsAt({1.0F, 2.0F, 3.0F}, {0, 0, 0}, goodOnly).falsePositives, 0);
}

TEST(AnomalyMetricsTest, PerRegionOverlapIsOneForAPerfectMapAndFallsForAMisplacedOne) {
    cv::Mat mask = cv::Mat::zeros(32, 32, CV_8U);
    cv::rectangle(mask, cv::Rect(4, 4, 6, 6), 255, cv::FILLED);
    cv::circle(mask, cv::Point(24, 22), 4, 255, cv::FILLED);
    cv::Mat perfect;
    mask.convertTo(perfect, CV_32F, 1.0 / 255.0);
    EXPECT_NEAR(perRegionOverlap({perfect}, {mask}), 1.0, 1e-9);
    // A map that finds only the square: each region weighs the same, so the overlap is one
    // half until the threshold reaches the background (every pixel, overlap 1); the curve
    // between those points is a straight line, as MVTec's evaluation draws it:
    // (0.5 + 0.65) / 2 over [0, 0.3].
    cv::Mat half = cv::Mat::zeros(32, 32, CV_32F);
    half(cv::Rect(4, 4, 6, 6)).setTo(1.0F);
    EXPECT_NEAR(perRegionOverlap({half}, {mask}), 0.575, 1e-6);
    // A map that lights up elsewhere finds nothing within 30% false positives.
    cv::Mat wrong = cv::Mat::zeros(32, 32, CV_32F);
    wrong(cv::Rect(14, 0, 4, 4)).setTo(1.0F);
    EXPECT_LT(perRegionOverlap({wrong}, {mask}), 0.2);
}

TEST(AnomalyMetricsTest, HistogramCountsGoodAndDefectiveScoresPerBin) {
    const auto histogram =
        scoreHistogram({0.05F, 0.15F, 0.95F, 1.5F, -1.0F}, {0, 0, 1, 1, 0}, 10, 0.0, 1.0);
    ASSERT_EQ(histogram.good.size(), 10U);
    EXPECT_EQ(histogram.good[0], 2); // 0.05 and the clamped -1
    EXPECT_EQ(histogram.good[1], 1);
    EXPECT_EQ(histogram.defect[9], 2); // 0.95 and the clamped 1.5
}

} // namespace
} // namespace kestrel::inspection
