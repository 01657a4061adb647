// The detector's confusion matrix with its background row and column, on hand-built boxes.
#include "common/error.h"
#include "inspection/detection_confusion.h"

#include <vector>

#include <gtest/gtest.h>

namespace kestrel::inspection {
namespace {

// Classes 0 (scratch), 1 (spot); 2 is the background row and column.
constexpr int kDetectionClasses = 2;
constexpr int kScratchBox = 0;
constexpr int kSpotBox = 1;
constexpr int kBackgroundBox = 2;

TEST(DetectionConfusionTest, EachOutcomeLandsInItsCell) {
    const std::vector<TruthBox> truth = {
        {1, kScratchBox, {0, 0, 20, 4}}, // found as a scratch
        {1, kSpotBox, {50, 50, 6, 6}},   // found, but called a scratch
        {2, kSpotBox, {10, 10, 6, 6}},   // missed
    };
    const std::vector<DetectedBox> detections = {
        {1, kScratchBox, {1, 0, 20, 4}, 0.9},  // IoU 76 / 84
        {1, kScratchBox, {50, 50, 6, 5}, 0.8}, // IoU 30 / 36, the wrong class
        {2, kSpotBox, {80, 80, 6, 6}, 0.7},    // nothing drawn there: a false alarm
        {2, kSpotBox, {10, 10, 6, 6}, 0.1},    // on the missed spot, under the score threshold
    };
    const DetectionConfusion confusion = detectionConfusion(truth, detections, kDetectionClasses);
    EXPECT_EQ(confusion.count(kScratchBox, kScratchBox), 1);
    EXPECT_EQ(confusion.count(kSpotBox, kScratchBox), 1);
    EXPECT_EQ(confusion.count(kSpotBox, kBackgroundBox), 1);
    EXPECT_EQ(confusion.count(kBackgroundBox, kSpotBox), 1);
    EXPECT_EQ(confusion.count(kSpotBox, kSpotBox), 0);
    EXPECT_EQ(confusion.count(kBackgroundBox, kBackgroundBox), 0);
    EXPECT_EQ(confusion.misses(), 1);
    EXPECT_EQ(confusion.falseAlarms(), 1);
    EXPECT_EQ(confusion.imagesOf(kSpotBox, kScratchBox), std::vector<std::int64_t>({1}));
    EXPECT_EQ(confusion.imagesOf(kSpotBox, kBackgroundBox), std::vector<std::int64_t>({2}));

    // Lowering the score threshold finds the missed spot.
    const DetectionConfusion everything =
        detectionConfusion(truth, detections, kDetectionClasses, {0.0, 0.5});
    EXPECT_EQ(everything.count(kSpotBox, kSpotBox), 1);
    EXPECT_EQ(everything.misses(), 0);
}

// Two detections on one box: the better overlap takes it, the other is a false alarm; and a
// detection between two boxes goes to the one it overlaps most, leaving the other missed.
TEST(DetectionConfusionTest, PairsAreTakenBestOverlapFirstEachBoxOnce) {
    const std::vector<TruthBox> truth = {{1, kSpotBox, {0, 0, 10, 10}}};
    const std::vector<DetectedBox> detections = {{1, kSpotBox, {0, 0, 10, 7}, 0.9},     // IoU 0.7
                                                 {1, kScratchBox, {0, 0, 10, 9}, 0.5}}; // IoU 0.9
    const DetectionConfusion confusion = detectionConfusion(truth, detections, kDetectionClasses);
    EXPECT_EQ(confusion.count(kSpotBox, kScratchBox), 1) << "the higher IoU wins, not the score";
    EXPECT_EQ(confusion.count(kBackgroundBox, kSpotBox), 1);

    const std::vector<TruthBox> two = {{3, kSpotBox, {0, 0, 10, 10}},
                                       {3, kSpotBox, {8, 0, 10, 10}}};
    const DetectionConfusion between =
        detectionConfusion(two, {{3, kSpotBox, {1, 0, 10, 10}, 0.9}}, kDetectionClasses);
    EXPECT_EQ(between.count(kSpotBox, kSpotBox), 1);
    EXPECT_EQ(between.count(kSpotBox, kBackgroundBox), 1);
}

TEST(DetectionConfusionTest, OverlapUnderTheMinimumIsAMissAndAFalseAlarm) {
    const std::vector<TruthBox> truth = {{5, kScratchBox, {0, 0, 10, 10}}};
    const std::vector<DetectedBox> detections = {{5, kScratchBox, {5, 0, 10, 10}, 0.9}}; // 1/3
    const DetectionConfusion confusion = detectionConfusion(truth, detections, kDetectionClasses);
    EXPECT_EQ(confusion.count(kScratchBox, kBackgroundBox), 1);
    EXPECT_EQ(confusion.count(kBackgroundBox, kScratchBox), 1);
    EXPECT_EQ(detectionConfusion(truth, detections, kDetectionClasses, {0.25, 0.3})
                  .count(kScratchBox, kScratchBox),
              1);
}

TEST(DetectionConfusionTest, CrowdsAreNeitherMissedNorFalseAlarms) {
    const std::vector<TruthBox> truth = {{1, kSpotBox, {0, 0, 100, 100}, true}};
    const std::vector<DetectedBox> detections = {{1, kSpotBox, {10, 10, 5, 5}, 0.9},
                                                 {1, kSpotBox, {200, 200, 5, 5}, 0.9}};
    const DetectionConfusion confusion = detectionConfusion(truth, detections, kDetectionClasses);
    EXPECT_EQ(confusion.misses(), 0);
    EXPECT_EQ(confusion.falseAlarms(), 1) << "only the detection outside the crowd";
}

TEST(DetectionConfusionTest, EachImageIsListedOnceInIncreasingOrder) {
    std::vector<TruthBox> truth;
    for (const std::int64_t image : {9, 4, 4, 7}) {
        truth.push_back({image, kScratchBox, {0, static_cast<double>(truth.size()) * 20, 10, 10}});
    }
    const DetectionConfusion confusion = detectionConfusion(truth, {}, kDetectionClasses);
    EXPECT_EQ(confusion.count(kScratchBox, kBackgroundBox), 4);
    EXPECT_EQ(confusion.imagesOf(kScratchBox, kBackgroundBox),
              std::vector<std::int64_t>({4, 7, 9}));
}

TEST(DetectionConfusionTest, AClassOutsideTheRangeIsRefusedNamingTheImage) {
    try {
        detectionConfusion({{12, 5, {0, 0, 1, 1}}}, {}, kDetectionClasses);
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("image 12"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("class index 5"), std::string::npos);
    }
}

} // namespace
} // namespace kestrel::inspection
