#include "imaging/random.h"
#include "imaging/training_crop.h"

#include <set>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

namespace kestrel::imaging {
namespace {

cv::Mat blank(int width, int height) {
    return cv::Mat::zeros(height, width, CV_8UC1);
}

bool inside(const cv::Rect& window, const cv::Mat& mask) {
    return window.x >= 0 && window.y >= 0 && window.x + window.width <= mask.cols &&
           window.y + window.height <= mask.rows;
}

TEST(TrainingCropTest, WindowsAreTheSideAskedAndLieInsideTheImage) {
    Random random(mixSeed(3, 1));
    for (const auto& [width, height, side] :
         {std::tuple{144, 144, 64}, {150, 131, 72}, {64, 64, 64}, {90, 200, 16}}) {
        cv::Mat mask = blank(width, height);
        mask(cv::Rect(width - 3, height - 2, 3, 2)).setTo(2); // a defect in a corner
        for (const double share : {0.0, 0.5, 1.0}) {
            for (int draw = 0; draw < 200; ++draw) {
                const cv::Rect window = chooseTrainingCrop(mask, side, share, random);
                EXPECT_EQ(window.width, side);
                EXPECT_EQ(window.height, side);
                ASSERT_TRUE(inside(window, mask))
                    << width << " x " << height << ", side " << side << ": " << window;
            }
        }
    }
}

TEST(TrainingCropTest, ASideLargerThanTheImageIsClampedToIt) {
    Random random(7);
    const cv::Rect window = chooseTrainingCrop(blank(40, 30), 64, 0.5, random);
    EXPECT_EQ(window, cv::Rect(0, 0, 40, 30));
}

TEST(TrainingCropTest, WithShareOneEveryWindowHoldsADefectPlacedAtVariousPlaces) {
    // Three tiny defects far apart on a 160 x 144 image: a 48 px window rarely meets one
    // by chance.
    cv::Mat mask = blank(160, 144);
    const std::vector<cv::Rect> defects = {{5, 6, 2, 2}, {150, 20, 3, 1}, {80, 130, 1, 4}};
    for (std::size_t k = 0; k < defects.size(); ++k) {
        mask(defects[k]).setTo(static_cast<int>(k) + 1);
    }
    for (const std::uint64_t seed : {1u, 2u, 3u}) {
        Random random(mixSeed(seed, 11));
        std::vector<int> held(defects.size(), 0);
        std::set<std::pair<int, int>> corners;
        for (int draw = 0; draw < 600; ++draw) {
            const cv::Rect window = chooseTrainingCrop(mask, 48, 1.0, random);
            ASSERT_GT(cv::countNonZero(mask(window)), 0) << "seed " << seed << ": " << window;
            for (std::size_t k = 0; k < defects.size(); ++k) {
                held[k] += (window & defects[k]).area() > 0 ? 1 : 0;
            }
            corners.insert({window.x, window.y});
        }
        // Every defect is visited, about in proportion to its pixels (4, 3 and 4 of 11).
        for (std::size_t k = 0; k < defects.size(); ++k) {
            EXPECT_GT(held[k], 600 * defects[k].area() / 11 / 2) << "defect " << k;
        }
        // Near the image's edges the window is pushed inside, which merges placements; the
        // defect in the middle of the bottom edge alone still varies the left by 32 px.
        EXPECT_GT(corners.size(), 40u) << "the defect is not always in the same place";
    }
}

TEST(TrainingCropTest, ShareSetsHowOftenADefectIsInView) {
    cv::Mat mask = blank(144, 144);
    mask(cv::Rect(10, 100, 2, 2)).setTo(1);
    for (const double share : {0.0, 0.3, 0.67}) {
        Random random(mixSeed(static_cast<std::uint64_t>(share * 100), 5));
        int holding = 0;
        constexpr int kDraws = 3000;
        for (int draw = 0; draw < kDraws; ++draw) {
            holding += cv::countNonZero(mask(chooseTrainingCrop(mask, 64, share, random))) > 0;
        }
        // A uniform 64 px window (left and top in 0..80) holds a pixel of columns 10-11 and
        // rows 100-101 when its left is 0..11 and its top 37..80: (12 / 81) x (44 / 81).
        const double uniform = (12.0 / 81.0) * (44.0 / 81.0);
        const double expected = share + (1 - share) * uniform;
        EXPECT_NEAR(static_cast<double>(holding) / kDraws, expected, 0.03) << "share " << share;
    }
}

TEST(TrainingCropTest, WithoutDefectsTheWindowIsUniformWhateverTheShare) {
    const cv::Mat mask = blank(128, 96);
    Random random(21);
    double sumX = 0;
    double sumY = 0;
    constexpr int kDraws = 4000;
    for (int draw = 0; draw < kDraws; ++draw) {
        const cv::Rect window = chooseTrainingCrop(mask, 32, 1.0, random);
        sumX += window.x;
        sumY += window.y;
    }
    EXPECT_NEAR(sumX / kDraws, (128 - 32) / 2.0, 2.0);
    EXPECT_NEAR(sumY / kDraws, (96 - 32) / 2.0, 2.0);
}

TEST(TrainingCropTest, TheSameSeedGivesTheSameWindows) {
    cv::Mat mask = blank(100, 100);
    mask(cv::Rect(40, 40, 5, 5)).setTo(1);
    Random a(99);
    Random b(99);
    for (int draw = 0; draw < 50; ++draw) {
        EXPECT_EQ(chooseTrainingCrop(mask, 40, 0.5, a), chooseTrainingCrop(mask, 40, 0.5, b));
    }
}

} // namespace
} // namespace kestrel::imaging
