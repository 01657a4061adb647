// COCO's box evaluation on cases worked out by hand from pycocotools' COCOeval (evaluateImg,
// accumulate, summarize), which Debian does not package.
#include "inspection/coco_evaluation.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kestrel::inspection {
namespace {

constexpr double kTight = 1e-12;

TruthBox truthAt(std::int64_t image, int category, CocoBox box, bool crowd = false) {
    return {image, category, box, crowd};
}

DetectedBox detectionAt(std::int64_t image, int category, CocoBox box, double score) {
    return {image, category, box, score};
}

// The values numpy 1.24 gives for COCOeval's np.linspace calls (their repr): matching is
// "IoU >= threshold", so the ninth threshold being 0.8999999999999999 and not 0.9 matters.
TEST(CocoEvaluationTest, ThresholdsAreNumpysLinspaceValues) {
    const std::array<double, kCocoIouThresholds> numpyIou = {
        0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95};
    EXPECT_EQ(cocoIouThresholds(), numpyIou);
    const auto& recall = cocoRecallThresholds();
    EXPECT_EQ(recall.front(), 0.0);
    EXPECT_EQ(recall[7], 0.07);
    EXPECT_EQ(recall[29], 0.29);
    EXPECT_EQ(recall[50], 0.5);
    EXPECT_EQ(recall[57], 0.5700000000000001);
    EXPECT_EQ(recall.back(), 1.0);
}

TEST(CocoEvaluationTest, IouIsOverTheUnionOrOverTheDetectionForACrowd) {
    const CocoBox truth{0, 0, 10, 10};
    EXPECT_DOUBLE_EQ(cocoIou({0, 0, 10, 10}, truth, false), 1.0);
    EXPECT_DOUBLE_EQ(cocoIou({5, 0, 10, 10}, truth, false), 50.0 / 150.0);
    EXPECT_DOUBLE_EQ(cocoIou({10, 0, 5, 5}, truth, false), 0.0); // touching is no overlap
    EXPECT_DOUBLE_EQ(cocoIou({2, 2, 4, 4}, truth, true), 1.0);   // inside a crowd
    EXPECT_DOUBLE_EQ(cocoIou({5, 5, 10, 10}, truth, true), 25.0 / 100.0);
}

TEST(CocoEvaluationTest, APerfectDetectionScoresOneEverywhere) {
    const CocoEvaluation result = evaluateCoco({truthAt(1, 1, {10, 20, 30, 40})},
                                               {detectionAt(1, 1, {10, 20, 30, 40}, 0.9)}, {1});
    ASSERT_TRUE(result.map);
    EXPECT_NEAR(*result.map, 1.0, kTight);
    EXPECT_NEAR(*result.map50, 1.0, kTight);
    EXPECT_NEAR(*result.map75, 1.0, kTight);
    ASSERT_EQ(result.categories.size(), 1u);
    EXPECT_EQ(result.categories[0].truthCount, 1);
    EXPECT_NEAR(*result.categories[0].recall50, 1.0, kTight);
}

// IoU 0.62 is a match at 0.50, 0.55 and 0.60 only: AP = 3 / 10 of perfect.
TEST(CocoEvaluationTest, ALooseBoxCountsAtTheThresholdsItsIouReaches) {
    // A 10 x 10 box against one 6.2 high at the same place: IoU 62 / 100.
    const CocoEvaluation result = evaluateCoco({truthAt(1, 1, {0, 0, 10, 10})},
                                               {detectionAt(1, 1, {0, 0, 10, 6.2}, 0.5)}, {1});
    EXPECT_NEAR(*result.map, 0.3, kTight);
    EXPECT_NEAR(*result.map50, 1.0, kTight);
    EXPECT_NEAR(*result.map75, 0.0, kTight);
}

// Two boxes, three detections: right (0.9), wrong (0.8), right (0.7). Precision 1, 1/2,
// 2/3 at recall 1/2, 1/2, 1; interpolated 1, 2/3, 2/3. Recall points 0.00-0.50 (51) take 1,
// 0.51-1.00 (50) take 2/3.
TEST(CocoEvaluationTest, PrecisionIsInterpolatedAtTheHundredAndOneRecallPoints) {
    const std::vector<TruthBox> truth = {truthAt(1, 1, {0, 0, 10, 10}),
                                         truthAt(1, 1, {50, 50, 10, 10})};
    const std::vector<DetectedBox> detections = {detectionAt(1, 1, {0, 0, 10, 10}, 0.9),
                                                 detectionAt(1, 1, {100, 100, 10, 10}, 0.8),
                                                 detectionAt(1, 1, {50, 50, 10, 10}, 0.7)};
    const CocoEvaluation result = evaluateCoco(truth, detections, {1});
    const double expected = (51.0 * 1.0 + 50.0 * (2.0 / 3.0)) / 101.0;
    EXPECT_NEAR(*result.map, expected, kTight);
    EXPECT_NEAR(*result.map50, expected, kTight);
    const auto& curve = result.categories[0].precision.at(0);
    ASSERT_EQ(curve.size(), 101u);
    EXPECT_NEAR(curve[0], 1.0, kTight);
    EXPECT_NEAR(curve[50], 1.0, kTight);
    EXPECT_NEAR(curve[51], 2.0 / 3.0, kTight);
    EXPECT_NEAR(curve[100], 2.0 / 3.0, kTight);
}

// The same detections spread over two images give the same curve: detections are pooled
// across images by score.
TEST(CocoEvaluationTest, DetectionsArePooledAcrossImagesByScore) {
    const std::vector<TruthBox> truth = {truthAt(7, 1, {0, 0, 10, 10}),
                                         truthAt(3, 1, {50, 50, 10, 10})};
    const std::vector<DetectedBox> detections = {detectionAt(3, 1, {50, 50, 10, 10}, 0.7),
                                                 detectionAt(7, 1, {0, 0, 10, 10}, 0.9),
                                                 detectionAt(3, 1, {0, 0, 10, 10}, 0.8)};
    const CocoEvaluation result = evaluateCoco(truth, detections, {1});
    EXPECT_NEAR(*result.map, (51.0 + 50.0 * (2.0 / 3.0)) / 101.0, kTight);
}

// Missing half the boxes halves the recall; the precision past it is 0.
TEST(CocoEvaluationTest, PrecisionPastTheLastRecallReachedIsZero) {
    const std::vector<TruthBox> truth = {truthAt(1, 1, {0, 0, 10, 10}),
                                         truthAt(2, 1, {0, 0, 10, 10})};
    const CocoEvaluation result =
        evaluateCoco(truth, {detectionAt(1, 1, {0, 0, 10, 10}, 0.9)}, {1});
    EXPECT_NEAR(*result.map, 51.0 / 101.0, kTight);
    EXPECT_NEAR(*result.categories[0].recall50, 0.5, kTight);
    EXPECT_EQ(result.categories[0].precision.at(0)[51], 0.0);
}

// Greedy by score: the better scored detection takes the box even with the lower IoU (0.72),
// and the exact one (0.8) is then a false positive. At thresholds up to 0.70 the first
// detection is right and AP is 1 (the false positive comes after full recall); from 0.75 the
// first is wrong, the exact one right: precision 1/2 at every recall point.
TEST(CocoEvaluationTest, MatchingIsGreedyByScoreNotByIou) {
    const CocoEvaluation result = evaluateCoco(
        {truthAt(1, 1, {0, 0, 10, 10})},
        {detectionAt(1, 1, {0, 0, 10, 7.2}, 0.9), detectionAt(1, 1, {0, 0, 10, 10}, 0.8)}, {1});
    EXPECT_NEAR(*result.map50, 1.0, kTight);
    EXPECT_NEAR(*result.map75, 0.5, kTight);
    EXPECT_NEAR(*result.map, (5 * 1.0 + 5 * 0.5) / 10.0, kTight);
}

// A detection inside a crowd region is neither right nor wrong, and the crowd is no miss.
TEST(CocoEvaluationTest, DetectionsInACrowdAreIgnoredAndTheCrowdIsNoMiss) {
    const std::vector<TruthBox> truth = {truthAt(1, 1, {0, 0, 10, 10}),
                                         truthAt(1, 1, {50, 50, 100, 100}, true)};
    const std::vector<DetectedBox> detections = {detectionAt(1, 1, {60, 60, 10, 10}, 0.9),
                                                 detectionAt(1, 1, {70, 70, 5, 5}, 0.85),
                                                 detectionAt(1, 1, {0, 0, 10, 10}, 0.8)};
    const CocoEvaluation result = evaluateCoco(truth, detections, {1});
    EXPECT_EQ(result.categories[0].truthCount, 1);
    EXPECT_NEAR(*result.map, 1.0, kTight);

    // Without the crowd flag the same region is a box to find: the two detections in it are
    // false positives at IoU 0.01 and 0.0025, and it is missed.
    std::vector<TruthBox> plain = truth;
    plain[1].crowd = false;
    const CocoEvaluation strict = evaluateCoco(plain, detections, {1});
    // Precision 0, 0, 1/3 at recall 0, 0, 1/2; interpolated 1/3 up to recall 0.50, then 0.
    EXPECT_NEAR(*strict.map, 51.0 * (1.0 / 3.0) / 101.0, 1e-9);
}

// A detection matched to a box that counts does not move to a crowd it overlaps more.
TEST(CocoEvaluationTest, AMatchToABoxThatCountsIsNotTradedForACrowd) {
    const std::vector<TruthBox> truth = {truthAt(1, 1, {0, 0, 10, 10}),
                                         truthAt(1, 1, {0, 0, 20, 20}, true)};
    const CocoEvaluation result =
        evaluateCoco(truth, {detectionAt(1, 1, {0, 0, 10, 9.1}, 0.9)}, {1});
    // IoU 0.91 with the box, 1.0 (over its own area) with the crowd: it stays on the box up
    // to 0.90, and only at 0.95 falls to the crowd and is ignored; the box is then missed.
    EXPECT_NEAR(*result.map, 9.0 / 10.0, kTight);
}

// Only each image's 100 best scored detections count.
TEST(CocoEvaluationTest, OnlyTheBestScoredHundredDetectionsOfAnImageCount) {
    std::vector<DetectedBox> detections;
    for (int i = 0; i < 100; ++i) {
        detections.push_back(detectionAt(1, 1, {200.0 + i, 200, 5, 5}, 0.5 + i * 0.001));
    }
    detections.push_back(detectionAt(1, 1, {0, 0, 10, 10}, 0.1)); // right, but 101st
    const std::vector<TruthBox> truth = {truthAt(1, 1, {0, 0, 10, 10})};
    EXPECT_NEAR(*evaluateCoco(truth, detections, {1}).map, 0.0, kTight);
    // With 101 allowed it is found last: precision 1/101 at every recall point.
    EXPECT_NEAR(*evaluateCoco(truth, detections, {1}, 101).map, 1.0 / 101.0, 1e-9);
}

// A category with no box is left out of the means; one with boxes and no detection counts 0.
TEST(CocoEvaluationTest, CategoriesWithoutBoxesAreLeftOutAndUnfoundOnesCountZero) {
    const std::vector<TruthBox> truth = {truthAt(1, 1, {0, 0, 10, 10}),
                                         truthAt(2, 3, {0, 0, 10, 10})};
    const std::vector<DetectedBox> detections = {detectionAt(1, 1, {0, 0, 10, 10}, 0.9),
                                                 detectionAt(1, 2, {30, 30, 10, 10}, 0.9)};
    const CocoEvaluation result = evaluateCoco(truth, detections, {1, 2, 3});
    ASSERT_EQ(result.categories.size(), 3u);
    EXPECT_NEAR(*result.categories[0].ap, 1.0, kTight);
    EXPECT_FALSE(result.categories[1].ap) << "no box of category 2: left out";
    EXPECT_TRUE(result.categories[1].precision.empty());
    EXPECT_NEAR(*result.categories[2].ap, 0.0, kTight);
    EXPECT_NEAR(*result.map, 0.5, kTight);

    EXPECT_FALSE(evaluateCoco({}, detections, {1, 2}).map) << "no box at all: no mAP";
}

// Detections of one category never match boxes of another.
TEST(CocoEvaluationTest, CategoriesAreMatchedSeparately) {
    const CocoEvaluation result = evaluateCoco({truthAt(1, 1, {0, 0, 10, 10})},
                                               {detectionAt(1, 2, {0, 0, 10, 10}, 0.9)}, {1, 2});
    EXPECT_NEAR(*result.categories[0].ap, 0.0, kTight);
    EXPECT_FALSE(result.categories[1].ap);
}

std::optional<double> optionalNumber(const nlohmann::json& value) {
    return value.is_null() ? std::nullopt : std::optional<double>(value.get<double>());
}

CocoBox boxOf(const nlohmann::json& box) {
    return {box[0].get<double>(), box[1].get<double>(), box[2].get<double>(), box[3].get<double>()};
}

// 40 random cases (small, thin and crowd boxes, jittered and duplicate detections, wrong
// classes, false alarms, tied scores, floods past 100 detections) and pycocotools 2.0's
// figures for them, written by make_coco_reference.py: the same to 1e-12.
TEST(CocoEvaluationTest, AgreesWithPycocotoolsOnRecordedCases) {
    const auto file = std::filesystem::path(KESTREL_TEST_SOURCE_DIR) /
                      "tests/core/inspection/coco_reference_cases.json";
    std::ifstream in(file);
    ASSERT_TRUE(in) << "cannot read " << file;
    const nlohmann::json document = nlohmann::json::parse(in);
    const auto& cases = document.at("cases");
    ASSERT_GE(cases.size(), 40u);
    const auto expectSame = [](std::optional<double> got, std::optional<double> expected,
                               const std::string& what) {
        ASSERT_EQ(got.has_value(), expected.has_value()) << what;
        if (expected) {
            EXPECT_NEAR(*got, *expected, 1e-12) << what;
        }
    };
    for (std::size_t n = 0; n < cases.size(); ++n) {
        SCOPED_TRACE("case " + std::to_string(n));
        const nlohmann::json& recorded = cases[n];
        std::vector<TruthBox> truth;
        for (const auto& box : recorded.at("truth")) {
            truth.push_back({box.at("image").get<std::int64_t>(), box.at("category").get<int>(),
                             boxOf(box.at("box")), box.at("crowd").get<bool>()});
        }
        std::vector<DetectedBox> detections;
        for (const auto& box : recorded.at("detections")) {
            detections.push_back({box.at("image").get<std::int64_t>(),
                                  box.at("category").get<int>(), boxOf(box.at("box")),
                                  box.at("score").get<double>()});
        }
        const auto categories = recorded.at("categories").get<std::vector<int>>();
        const CocoEvaluation result = evaluateCoco(truth, detections, categories);
        const nlohmann::json& expected = recorded.at("expected");
        expectSame(result.map, optionalNumber(expected.at("map")), "mAP");
        expectSame(result.map50, optionalNumber(expected.at("map50")), "mAP50");
        expectSame(result.map75, optionalNumber(expected.at("map75")), "mAP75");
        for (std::size_t k = 0; k < categories.size(); ++k) {
            expectSame(result.categories[k].ap, optionalNumber(expected.at("per_category")[k]),
                       "AP of category " + std::to_string(categories[k]));
        }
    }
}

} // namespace
} // namespace kestrel::inspection
