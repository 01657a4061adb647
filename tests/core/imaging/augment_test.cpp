#include "common/error.h"
#include "imaging/augment.h"

#include <string>
#include <utility>
#include <vector>

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

// Each geometric option alone, certain to run, for the image-and-mask tests.
std::vector<std::pair<std::string, AugmentOptions>> geometricSteps() {
    std::vector<std::pair<std::string, AugmentOptions>> steps(6);
    steps[0].first = "resized crop";
    steps[0].second.resizedCrop.probability = 1.0;
    steps[1].first = "shift";
    steps[1].second.shift.probability = 1.0;
    steps[1].second.shift.maxFraction = 0.3;
    steps[2].first = "horizontal flip";
    steps[2].second.horizontalFlip = 1.0;
    steps[3].first = "vertical flip";
    steps[3].second.verticalFlip = 1.0;
    steps[4].first = "quarter turn";
    steps[4].second.rotate90 = 1.0;
    steps[5].first = "rotation";
    steps[5].second.rotation.probability = 1.0;
    steps[5].second.rotation.maxDegrees = 40.0;
    return steps;
}

// A black, not square image with an asymmetric white shape (a bar and a triangle), so a
// mask moved differently from the image shows.
cv::Mat brightShapeImage() {
    cv::Mat image = cv::Mat::zeros(28, 40, CV_8UC1);
    cv::rectangle(image, cv::Rect(6, 5, 17, 12), cv::Scalar(255), cv::FILLED);
    const std::vector<cv::Point> triangle = {{24, 4}, {36, 10}, {26, 24}};
    cv::fillPoly(image, std::vector<std::vector<cv::Point>>{triangle}, cv::Scalar(255));
    return image;
}

// Each set pixel of one binary image lies within one pixel of a set pixel of the other.
bool agreeWithinAPixel(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat grownA;
    cv::Mat grownB;
    cv::dilate(a, grownA, cv::Mat());
    cv::dilate(b, grownB, cv::Mat());
    return cv::countNonZero(a & ~grownB) == 0 && cv::countNonZero(b & ~grownA) == 0;
}

TEST(ImagingAugmentTest, ImageAndMaskGiveAugmentImagesImageAndDrawTheSameNumbers) {
    auto optionSets = geometricSteps();
    optionSets.emplace_back("everything", everything());
    optionSets.emplace_back("standard", AugmentOptions::standard());
    for (const int channels : {1, 3}) {
        const cv::Mat image = patterned(30, 20, channels); // not square: quarter turns stretch
        const cv::Mat mask(image.size(), CV_8UC1, cv::Scalar(1));
        for (const auto& [name, options] : optionSets) {
            for (std::uint64_t seed = 0; seed < 12; ++seed) {
                SCOPED_TRACE(name + ", seed " + std::to_string(seed) + ", " +
                             std::to_string(channels) + " channel(s)");
                Random alone(seed);
                Random together(seed);
                const cv::Mat expected = augmentImage(image, options, alone);
                cv::Mat augmented = image;
                cv::Mat moved = mask;
                augmentImageAndMask(augmented, moved, options, together);
                ASSERT_TRUE(identical(augmented, expected));
                ASSERT_EQ(alone(), together()); // the same number of draws
                ASSERT_EQ(moved.size(), image.size());
                ASSERT_EQ(moved.type(), CV_8UC1);
            }
        }
    }
}

TEST(ImagingAugmentTest, MaskPaintedFromTheBrightPixelsStaysOnThemThroughEachGeometricStep) {
    const cv::Mat image = brightShapeImage();
    cv::Mat mask;
    cv::threshold(image, mask, 127, 3, cv::THRESH_BINARY); // class 3 on the bright pixels
    for (const auto& [name, options] : geometricSteps()) {
        // Flips and whole-pixel shifts move pixels exactly; the rest resample the image
        // linearly and the mask by nearest neighbour, so edges may differ by a pixel.
        const bool exact = name == "shift" || name.find("flip") != std::string::npos;
        int shown = 0;
        for (std::uint64_t seed = 0; seed < 16; ++seed) {
            SCOPED_TRACE(name + ", seed " + std::to_string(seed));
            Random random(seed);
            cv::Mat augmented = image;
            cv::Mat moved = mask;
            augmentImageAndMask(augmented, moved, options, random);
            EXPECT_EQ(cv::countNonZero((moved != 0) & (moved != 3)), 0) << "values stay classes";
            const cv::Mat bright = augmented > 127;
            const cv::Mat classed = moved == 3;
            if (exact) {
                ASSERT_EQ(cv::countNonZero(bright != classed), 0);
            } else {
                ASSERT_TRUE(agreeWithinAPixel(bright, classed));
            }
            // Most of the shape lies on the same pixels, not just near them.
            const int overlap = cv::countNonZero(bright & classed);
            if (cv::countNonZero(classed) >= 20) {
                EXPECT_GE(overlap, cv::countNonZero(classed) * 3 / 4);
            }
            shown += overlap > 0 ? 1 : 0;
        }
        EXPECT_GT(shown, 8) << name; // most draws keep some of the shape in view
    }
}

TEST(ImagingAugmentTest, ImageAndMaskNeverWriteTheirInputs) {
    const cv::Mat image = patterned(16, 12);
    const cv::Mat mask = brightShapeImage()(cv::Rect(0, 0, 16, 12)).clone();
    const cv::Mat imageBefore = image.clone();
    const cv::Mat maskBefore = mask.clone();
    for (const AugmentOptions& options : {AugmentOptions{}, everything()}) {
        Random random(5);
        cv::Mat augmented = image;
        cv::Mat moved = mask;
        augmentImageAndMask(augmented, moved, options, random);
        EXPECT_NE(augmented.data, image.data);
        EXPECT_NE(moved.data, mask.data);
    }
    EXPECT_TRUE(identical(image, imageBefore));
    EXPECT_TRUE(identical(mask, maskBefore));
    // Evaluation mode: copies of the inputs.
    Random random(5);
    cv::Mat augmented = image;
    cv::Mat moved = mask;
    augmentImageAndMask(augmented, moved, AugmentOptions{}, random);
    EXPECT_TRUE(identical(augmented, image));
    EXPECT_TRUE(identical(moved, mask));
}

TEST(ImagingAugmentTest, MaskOfAnotherSizeOrTypeIsRefused) {
    const cv::Mat image = patterned(16, 12);
    for (const cv::Mat& wrong :
         {cv::Mat(12, 15, CV_8UC1, cv::Scalar(0)), cv::Mat(12, 16, CV_8UC3, cv::Scalar::all(0))}) {
        Random random(1);
        cv::Mat augmented = image;
        cv::Mat moved = wrong;
        try {
            augmentImageAndMask(augmented, moved, everything(), random);
            FAIL() << "expected a kestrel::Error";
        } catch (const Error& error) {
            EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument);
            EXPECT_NE(std::string(error.what()).find("16 x 12"), std::string::npos) << error.what();
        }
    }
}

} // namespace
} // namespace kestrel::imaging
