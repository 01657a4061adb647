#include "common/error.h"
#include "imaging/augment.h"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::imaging {
namespace {

// A 3-channel image where every pixel differs, so any geometric change shows.
cv::Mat patterned(int width, int height, int channels = 3) {
    cv::Mat image(height, width, CV_8UC(channels));
    cv::RNG generator(7);
    generator.fill(image, cv::RNG::UNIFORM, 0, 256);
    return image;
}

bool identical(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

AugmentOptions everything() {
    AugmentOptions options;
    options.resizedCrop.probability = 1.0;
    options.shift.probability = 1.0;
    options.horizontalFlip = 0.5;
    options.verticalFlip = 0.5;
    options.rotate90 = 0.5;
    options.rotation.probability = 1.0;
    options.colorJitter.probability = 1.0;
    options.blur.probability = 1.0;
    options.noise.probability = 1.0;
    return options;
}

TEST(ImagingAugmentTest, SameSeedGivesTheSameImage) {
    const cv::Mat image = patterned(32, 24);
    Random first(42);
    Random second(42);
    EXPECT_TRUE(identical(augmentImage(image, everything(), first),
                          augmentImage(image, everything(), second)));
}

TEST(ImagingAugmentTest, DifferentSeedsGiveDifferentImages) {
    const cv::Mat image = patterned(32, 24);
    Random first(1);
    Random second(2);
    EXPECT_FALSE(identical(augmentImage(image, everything(), first),
                           augmentImage(image, everything(), second)));
}

TEST(ImagingAugmentTest, EvaluationModeReturnsAnUnchangedCopy) {
    const cv::Mat image = patterned(16, 16);
    Random random(3);
    const cv::Mat out = augmentImage(image, AugmentOptions{}, random);
    EXPECT_TRUE(identical(out, image));
    EXPECT_NE(out.data, image.data); // never shares the (possibly cached) input
}

// The shifted image is the original moved by (dx, dy) with black where nothing moved in;
// find the offset by trying every candidate and check the move is within maxFraction.
TEST(ImagingAugmentTest, ShiftMovesTheImageWithinItsRangeAndFillsBlack) {
    const cv::Mat image = patterned(20, 20, 1) + 1; // no zero pixels in the source
    AugmentOptions options;
    options.shift.probability = 1.0;
    options.shift.maxFraction = 0.1; // up to 2 pixels
    int moved = 0;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        Random random(seed);
        const cv::Mat out = augmentImage(image, options, random);
        bool matched = false;
        for (int dy = -2; dy <= 2 && !matched; ++dy) {
            for (int dx = -2; dx <= 2 && !matched; ++dx) {
                const cv::Rect from(std::max(0, -dx), std::max(0, -dy), 20 - std::abs(dx),
                                    20 - std::abs(dy));
                const cv::Rect to(std::max(0, dx), std::max(0, dy), from.width, from.height);
                if (cv::norm(image(from), out(to), cv::NORM_INF) == 0 &&
                    cv::countNonZero(out) == from.area()) {
                    matched = true;
                    moved += (dx != 0 || dy != 0) ? 1 : 0;
                }
            }
        }
        EXPECT_TRUE(matched) << "seed " << seed;
    }
    EXPECT_GT(moved, 10); // most draws move the image
}

TEST(ImagingAugmentTest, HorizontalFlipMirrorsColumns) {
    const cv::Mat image = patterned(9, 5);
    AugmentOptions options;
    options.horizontalFlip = 1.0;
    Random random(0);
    const cv::Mat out = augmentImage(image, options, random);
    for (int y = 0; y < image.rows; ++y) {
        for (int x = 0; x < image.cols; ++x) {
            ASSERT_EQ(out.at<cv::Vec3b>(y, x), image.at<cv::Vec3b>(y, image.cols - 1 - x));
        }
    }
}

TEST(ImagingAugmentTest, VerticalFlipMirrorsRows) {
    const cv::Mat image = patterned(9, 5);
    AugmentOptions options;
    options.verticalFlip = 1.0;
    Random random(0);
    const cv::Mat out = augmentImage(image, options, random);
    for (int y = 0; y < image.rows; ++y) {
        for (int x = 0; x < image.cols; ++x) {
            ASSERT_EQ(out.at<cv::Vec3b>(y, x), image.at<cv::Vec3b>(image.rows - 1 - y, x));
        }
    }
}

TEST(ImagingAugmentTest, QuarterTurnIsOneOfTheThreeRotations) {
    const cv::Mat image = patterned(12, 12);
    AugmentOptions options;
    options.rotate90 = 1.0;
    for (std::uint64_t seed = 0; seed < 6; ++seed) {
        Random random(seed);
        const cv::Mat out = augmentImage(image, options, random);
        bool matched = false;
        for (int turn : {cv::ROTATE_90_CLOCKWISE, cv::ROTATE_180, cv::ROTATE_90_COUNTERCLOCKWISE}) {
            cv::Mat expected;
            cv::rotate(image, expected, turn);
            matched = matched || identical(out, expected);
        }
        EXPECT_TRUE(matched) << "seed " << seed;
    }
}

TEST(ImagingAugmentTest, EveryAugmentationKeepsSizeAndType) {
    for (int channels : {1, 3}) {
        const cv::Mat image = patterned(30, 20, channels); // not square: quarter turns stretch
        const AugmentOptions options = everything();
        for (std::uint64_t seed = 0; seed < 20; ++seed) {
            Random random(seed);
            const cv::Mat out = augmentImage(image, options, random);
            ASSERT_EQ(out.size(), image.size()) << "seed " << seed;
            ASSERT_EQ(out.type(), image.type()) << "seed " << seed;
        }
    }
}

TEST(ImagingAugmentTest, BrightnessJitterChangesTheMeanLevel) {
    const cv::Mat image(10, 10, CV_8UC3, cv::Scalar::all(100));
    AugmentOptions options;
    options.colorJitter.probability = 1.0;
    options.colorJitter.brightness = 0.5;
    options.colorJitter.contrast = 0.0;
    bool changed = false;
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
        Random random(seed);
        changed = changed || cv::mean(augmentImage(image, options, random))[0] != 100.0;
    }
    EXPECT_TRUE(changed);
}

TEST(ImagingAugmentTest, OptionsOutOfRangeAreRejected) {
    AugmentOptions options;
    options.horizontalFlip = 1.5;
    EXPECT_THROW(validate(options), Error);
    options = AugmentOptions{};
    options.resizedCrop.minScale = 0.0;
    EXPECT_THROW(validate(options), Error);
    EXPECT_NO_THROW(validate(AugmentOptions::standard()));
}

} // namespace
} // namespace kestrel::imaging
