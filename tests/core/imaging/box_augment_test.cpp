// Boxes follow their pixels through conforming and every geometric augmentation: each test
// paints each box's defect in its own colour channel and checks the box against where those
// pixels end up.
#include "imaging/augment.h"
#include "imaging/box_geometry.h"
#include "imaging/decode.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::imaging {
namespace {

// A dark part with three defects that do not touch, each at least 8 pixels a side, at places
// drawn from `seed`, defect i bright in channel i only (so resampled edges, which blend with
// the background, never pass for another defect); their boxes, category i.
std::pair<cv::Mat, std::vector<ClassBox>> paintedPart(cv::Size size, unsigned seed) {
    cv::RNG random(seed + 1);
    cv::Mat image(size, CV_8UC3, cv::Scalar::all(0));
    std::vector<ClassBox> boxes;
    cv::Mat taken(size, CV_8U, cv::Scalar(0));
    for (int i = 0; i < 3; ++i) {
        for (int attempt = 0; attempt < 200; ++attempt) {
            const int width = random.uniform(8, std::max(9, size.width / 3));
            const int height = random.uniform(8, std::max(9, size.height / 3));
            const cv::Rect rect(random.uniform(0, size.width - width),
                                random.uniform(0, size.height - height), width, height);
            // A two-pixel gap around each, so blurred edges never mix two levels.
            const cv::Rect padded = (rect - cv::Point(2, 2) + cv::Size(4, 4)) & cv::Rect({}, size);
            if (cv::countNonZero(taken(padded)) > 0) {
                continue;
            }
            taken(padded).setTo(255);
            cv::Scalar colour = cv::Scalar::all(0);
            colour[i] = 200;
            image(rect).setTo(colour);
            boxes.push_back({i,
                             {static_cast<double>(rect.x), static_cast<double>(rect.y),
                              static_cast<double>(width), static_cast<double>(height)}});
            break;
        }
    }
    return {image, boxes};
}

// The corner-coordinate bounds of defect `index`'s pixels: those at least half as bright in
// its channel as it was painted, where a resampled edge crosses the true one. Empty when none.
cv::Rect pixelsOf(const cv::Mat& image, int index) {
    cv::Mat channel;
    cv::extractChannel(image, channel, index);
    std::vector<cv::Point> points;
    cv::findNonZero(channel >= 100, points);
    return points.empty() ? cv::Rect() : cv::boundingRect(points);
}

// Each box lies on its defect's pixels: no side further than `slack` from them, either way.
void expectOnItsPixels(const cv::Mat& image, const std::vector<ClassBox>& boxes, double slack,
                       const std::string& where) {
    for (const ClassBox& target : boxes) {
        const annotations::Box& box = target.box;
        const cv::Rect pixels = pixelsOf(image, target.category);
        ASSERT_FALSE(pixels.empty()) << where << ": box " << target.category << " kept, its "
                                     << "defect gone";
        EXPECT_NEAR(box.x, pixels.x, slack) << where << ", box " << target.category;
        EXPECT_NEAR(box.y, pixels.y, slack) << where << ", box " << target.category;
        EXPECT_NEAR(box.right(), pixels.x + pixels.width, slack) << where;
        EXPECT_NEAR(box.bottom(), pixels.y + pixels.height, slack) << where;
    }
}

// Flips, quarter turns of a square frame and whole-pixel shifts move pixels without
// resampling: the boxes are exactly their defects' pixel bounds.
TEST(BoxAugmentTest, FlipsTurnsAndShiftsMoveBoxesExactly) {
    AugmentOptions options;
    options.shift.probability = 0.7;
    options.shift.maxFraction = 0.25;
    options.horizontalFlip = 0.5;
    options.verticalFlip = 0.5;
    options.rotate90 = 0.7;
    for (unsigned seed = 0; seed < 60; ++seed) {
        auto [image, boxes] = paintedPart({64, 64}, seed);
        Random random(seed);
        augmentImageAndBoxes(image, boxes, options, random);
        expectOnItsPixels(image, boxes, 0.0, "seed " + std::to_string(seed));
    }
}

// Random resized crops and quarter turns of a frame that is not square resample: the boxes
// stay within a pixel of their defects' half-bright edges.
TEST(BoxAugmentTest, CropsAndResizedTurnsKeepBoxesOnTheirDefects) {
    AugmentOptions options;
    options.resizedCrop.probability = 0.8;
    options.resizedCrop.minScale = 0.5;
    options.shift.probability = 0.5;
    options.horizontalFlip = 0.5;
    options.verticalFlip = 0.5;
    options.rotate90 = 0.5;
    int kept = 0;
    int dropped = 0;
    for (const cv::Size size : {cv::Size(96, 64), cv::Size(64, 80)}) {
        for (unsigned seed = 0; seed < 60; ++seed) {
            auto [image, boxes] = paintedPart(size, seed);
            const std::size_t before = boxes.size();
            Random random(seed);
            augmentImageAndBoxes(image, boxes, options, random);
            expectOnItsPixels(image, boxes, 1.0,
                              std::to_string(size.width) + "x" + std::to_string(size.height) +
                                  ", seed " + std::to_string(seed));
            kept += static_cast<int>(boxes.size());
            dropped += static_cast<int>(before - boxes.size());
        }
    }
    EXPECT_GT(kept, 200);
    EXPECT_GT(dropped, 0) << "some crops should cut defects away";
}

// A rotation turns each box into the upright box around it: it holds the whole defect and
// is not much larger.
TEST(BoxAugmentTest, RotatedBoxesHoldTheirDefects) {
    AugmentOptions options;
    options.rotation.probability = 1.0;
    options.rotation.maxDegrees = 30.0;
    for (unsigned seed = 0; seed < 40; ++seed) {
        auto [image, boxes] = paintedPart({80, 80}, seed);
        Random random(seed);
        augmentImageAndBoxes(image, boxes, options, random);
        for (const ClassBox& target : boxes) {
            const cv::Rect pixels = pixelsOf(image, target.category);
            ASSERT_FALSE(pixels.empty());
            const annotations::Box& box = target.box;
            EXPECT_LE(box.x, pixels.x + 0.5) << "seed " << seed;
            EXPECT_LE(box.y, pixels.y + 0.5) << "seed " << seed;
            EXPECT_GE(box.right(), pixels.x + pixels.width - 0.5) << "seed " << seed;
            EXPECT_GE(box.bottom(), pixels.y + pixels.height - 0.5) << "seed " << seed;
            // The turned corners' thin tips are under half bright: up to 2.5 pixels a side.
            EXPECT_LE(box.width, pixels.width + 5.0) << "seed " << seed;
            EXPECT_LE(box.height, pixels.height + 5.0) << "seed " << seed;
        }
    }
}

// Moving boxes draws no random numbers: the image is what augmentImage gives for the seed.
TEST(BoxAugmentTest, TheImageIsAugmentImagesForTheSameSeed) {
    AugmentOptions options = AugmentOptions::standard();
    options.rotate90 = 0.5;
    options.shift.probability = 0.5;
    for (unsigned seed = 0; seed < 10; ++seed) {
        auto [image, boxes] = paintedPart({64, 48}, seed);
        Random plain(seed);
        const cv::Mat expected = augmentImage(image, options, plain);
        Random withBoxes(seed);
        augmentImageAndBoxes(image, boxes, options, withBoxes);
        EXPECT_EQ(cv::norm(image, expected, cv::NORM_INF), 0.0) << "seed " << seed;
    }
}

// Boxes drawn on the file land where conformImage puts the image, stretched or letterboxed.
TEST(BoxAugmentTest, ConformedBoxesLandOnTheConformedDefects) {
    auto [file, boxes] = paintedPart({200, 100}, 5);
    for (const ImageSpec& spec : {ImageSpec{64, 64, 3, ImageSpec::Resize::Letterbox},
                                  ImageSpec{64, 64, 3, ImageSpec::Resize::Stretch},
                                  ImageSpec{160, 120, 3, ImageSpec::Resize::Letterbox}}) {
        cv::Mat image;
        cv::cvtColor(conformImage(file, spec, "memory"), image, cv::COLOR_RGB2BGR);
        const std::vector<ClassBox> placed = conformBoxes(boxes, file.size(), spec);
        ASSERT_EQ(placed.size(), boxes.size());
        expectOnItsPixels(image, placed, 1.5,
                          std::to_string(spec.width) + "x" + std::to_string(spec.height));
    }
    // 200x100 into a 64x64 letterbox: scale 0.32 and 16 pixels of padding above.
    const std::vector<ClassBox> one = {{0, {50, 20, 40, 30}}};
    const ClassBox placed =
        conformBoxes(one, {200, 100}, {64, 64, 3, ImageSpec::Resize::Letterbox}).front();
    EXPECT_DOUBLE_EQ(placed.box.x, 16.0);
    EXPECT_DOUBLE_EQ(placed.box.y, 16.0 + 6.4);
    EXPECT_DOUBLE_EQ(placed.box.width, 12.8);
    EXPECT_DOUBLE_EQ(placed.box.height, 9.6);
}

// A crop that leaves under a quarter of a box drops it; one that leaves more cuts it to the
// frame.
TEST(BoxAugmentTest, BoxesMostlyCutAwayAreDroppedAndTheRestClipped) {
    std::vector<ClassBox> boxes = {{0, {0, 0, 10, 10}}, {1, {30, 30, 10, 10}}};
    cropAndResizeBoxes(boxes, cv::Rect(8, 8, 32, 32), {40, 40});
    ASSERT_EQ(boxes.size(), 1u);
    EXPECT_EQ(boxes[0].category, 1);
    EXPECT_DOUBLE_EQ(boxes[0].box.x, 22.0 * 1.25);
    EXPECT_DOUBLE_EQ(boxes[0].box.right(), 40.0);

    std::vector<ClassBox> half = {{0, {0, 0, 10, 10}}};
    cropAndResizeBoxes(half, cv::Rect(4, 0, 36, 36), {36, 36});
    ASSERT_EQ(half.size(), 1u);
    EXPECT_DOUBLE_EQ(half[0].box.x, 0.0);
    EXPECT_DOUBLE_EQ(half[0].box.width, 6.0);
}

} // namespace
} // namespace kestrel::imaging
