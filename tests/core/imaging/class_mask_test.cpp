#include "annotations/rle.h"
#include "common/error.h"
#include "imaging/class_mask.h"
#include "imaging/decode.h"
#include "imaging/image_spec.h"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::imaging {
namespace {

using annotations::Point;
using annotations::ShapeKind;

ClassRegion polygonRegion(std::vector<Point> points, int value) {
    ClassRegion region;
    region.value = value;
    region.shape.kind = ShapeKind::Polygon;
    region.shape.points = std::move(points);
    return region;
}

// The rectangle [x, x + w) x [y, y + h) as a polygon on pixel corners.
ClassRegion rectangleRegion(const cv::Rect& rect, int value) {
    const double left = rect.x, top = rect.y, right = rect.x + rect.width,
                 bottom = rect.y + rect.height;
    return polygonRegion({{left, top}, {right, top}, {right, bottom}, {left, bottom}}, value);
}

ClassRegion maskRegion(const cv::Mat& pixels, int value) {
    ClassRegion region;
    region.value = value;
    region.shape.kind = ShapeKind::Mask;
    region.shape.mask =
        annotations::encodeMask(pixels.data, pixels.cols, pixels.rows, pixels.step[0]);
    return region;
}

// Runs `call`, expecting an InvalidArgument kestrel::Error whose sentence holds each of `parts`.
template <typename Call>
void expectClassMaskError(Call call, const std::vector<std::string>& parts) {
    try {
        call();
        FAIL() << "expected a kestrel::Error";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument) << error.what();
        for (const std::string& part : parts) {
            EXPECT_NE(std::string(error.what()).find(part), std::string::npos)
                << "'" << part << "' not in: " << error.what();
        }
    }
}

// Each set pixel of one binary image lies within one pixel of a set pixel of the other.
bool setPixelsWithinAPixel(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat grownA;
    cv::Mat grownB;
    cv::dilate(a, grownA, cv::Mat());
    cv::dilate(b, grownB, cv::Mat());
    return cv::countNonZero(a & ~grownB) == 0 && cv::countNonZero(b & ~grownA) == 0;
}

TEST(ImagingClassMaskTest, PaintsEachRegionsValueLaterOnesOnTop) {
    const cv::Mat target = renderClassMask(
        {rectangleRegion({1, 1, 4, 3}, 7), rectangleRegion({3, 2, 4, 3}, 200)}, 9, 6);
    ASSERT_EQ(target.type(), CV_8UC1);
    ASSERT_EQ(target.size(), cv::Size(9, 6));
    for (int y = 0; y < 6; ++y) {
        for (int x = 0; x < 9; ++x) {
            const bool first = x >= 1 && x < 5 && y >= 1 && y < 4;
            const bool second = x >= 3 && x < 7 && y >= 2 && y < 5;
            const int expected = second ? 200 : (first ? 7 : 0);
            ASSERT_EQ(target.at<std::uint8_t>(y, x), expected) << "x " << x << " y " << y;
        }
    }
    // The other order: the first region now covers the overlap.
    const cv::Mat swapped = renderClassMask(
        {rectangleRegion({3, 2, 4, 3}, 200), rectangleRegion({1, 1, 4, 3}, 7)}, 9, 6);
    EXPECT_EQ(swapped.at<std::uint8_t>(2, 3), 7);
    EXPECT_EQ(swapped.at<std::uint8_t>(4, 6), 200);
}

TEST(ImagingClassMaskTest, NoRegionsIsAllBackground) {
    const cv::Mat target = renderClassMask({}, 5, 3);
    ASSERT_EQ(target.size(), cv::Size(5, 3));
    EXPECT_EQ(cv::countNonZero(target), 0);
}

TEST(ImagingClassMaskTest, PolygonSetsThePixelsItsRasterisingSets) {
    const std::vector<Point> triangle = {{1.5, 0.2}, {10.7, 3.1}, {2.2, 7.9}};
    const cv::Mat target = renderClassMask({polygonRegion(triangle, 4)}, 12, 9);
    const std::vector<std::uint8_t> expected =
        annotations::decodeMask(annotations::rasterisePolygon(triangle, 12, 9));
    int set = 0;
    for (int y = 0; y < 9; ++y) {
        for (int x = 0; x < 12; ++x) {
            const bool inside = expected[static_cast<std::size_t>(y) * 12 + x] != 0;
            set += inside ? 1 : 0;
            ASSERT_EQ(target.at<std::uint8_t>(y, x), inside ? 4 : 0) << "x " << x << " y " << y;
        }
    }
    EXPECT_GT(set, 10);
}

// COCO's runs go down the columns: in a 3 wide, 2 high mask, counts {1, 1, 4} set the
// second pixel of the first column, (x 0, y 1), not the second pixel of the first row.
TEST(ImagingClassMaskTest, MaskRunsAreColumnMajor) {
    ClassRegion region;
    region.value = 9;
    region.shape.kind = ShapeKind::Mask;
    region.shape.mask = {3, 2, {1, 1, 4}};
    const cv::Mat target = renderClassMask({region}, 3, 2);
    const cv::Mat expected = (cv::Mat_<std::uint8_t>(2, 3) << 0, 0, 0, 9, 0, 0);
    EXPECT_EQ(cv::norm(target, expected, cv::NORM_INF), 0) << target;
}

TEST(ImagingClassMaskTest, AsymmetricMaskComesBackWhereItWasDrawn) {
    cv::Mat drawn = cv::Mat::zeros(5, 8, CV_8UC1);                           // wider than high
    cv::rectangle(drawn, cv::Rect(1, 0, 6, 1), cv::Scalar(255), cv::FILLED); // the top bar
    cv::rectangle(drawn, cv::Rect(1, 1, 1, 4), cv::Scalar(255), cv::FILLED); // the left leg
    drawn.at<std::uint8_t>(3, 6) = 255;                                      // a lone dot
    const cv::Mat target = renderClassMask({maskRegion(drawn, 5)}, 8, 5);
    cv::Mat expected;
    drawn.convertTo(expected, CV_8U, 5.0 / 255.0);
    EXPECT_EQ(cv::norm(target, expected, cv::NORM_INF), 0) << target;
}

TEST(ImagingClassMaskTest, HiddenShapesArePaintedBoxesAndMaskFilesAreNot) {
    ClassRegion hidden = rectangleRegion({0, 0, 2, 2}, 1);
    hidden.shape.hidden = true;
    ClassRegion box;
    box.value = 2;
    box.shape.kind = ShapeKind::Box;
    box.shape.box = {0, 0, 6, 6};
    ClassRegion file;
    file.value = 3;
    file.shape.kind = ShapeKind::Mask;
    file.shape.maskFile = "ground_truth/000_mask.png"; // no RLE: read by the caller first
    const cv::Mat target = renderClassMask({hidden, box, file}, 6, 6);
    EXPECT_EQ(cv::countNonZero(target), 4);
    EXPECT_EQ(target.at<std::uint8_t>(1, 1), 1);
}

TEST(ImagingClassMaskTest, MaskOfAnotherSizeIsRefusedNamingBothSizes) {
    const cv::Mat drawn(4, 5, CV_8UC1, cv::Scalar(255));
    expectClassMaskError([&] { renderClassMask({maskRegion(drawn, 1)}, 6, 4); },
                         {"5 x 4", "6 x 4"});
}

TEST(ImagingClassMaskTest, ValuesOutside1To255AreRefused) {
    for (const int value : {0, 256, -3}) {
        SCOPED_TRACE(value);
        expectClassMaskError(
            [&] {
                renderClassMask({rectangleRegion({0, 0, 1, 1}, value)}, 3, 3);
            },
            {std::to_string(value)});
    }
    EXPECT_EQ(renderClassMask({rectangleRegion({0, 0, 1, 1}, 255)}, 3, 3).at<std::uint8_t>(0, 0),
              255);
}

// A gray image with a bright square and the mask drawn from the same square, conformed to
// `spec`: the mask lands on the square's pixels, give or take the edge pixels the image's
// resize blends.
void expectMaskOnTheSquare(cv::Size source, const cv::Rect& square, ImageSpec spec) {
    SCOPED_TRACE(std::to_string(source.width) + "x" + std::to_string(source.height) + " -> " +
                 std::to_string(spec.width) + "x" + std::to_string(spec.height) + " " +
                 resizeName(spec.resize));
    spec.channels = 1;
    cv::Mat image = cv::Mat::zeros(source, CV_8UC1);
    image(square).setTo(255);
    const cv::Mat mask = renderClassMask({rectangleRegion(square, 3)}, source.width, source.height);
    ASSERT_EQ(cv::countNonZero(mask), square.area());

    const cv::Mat conformedImage = conformImage(image, spec, "square");
    const cv::Mat conformed = conformMask(mask, spec);
    ASSERT_EQ(conformed.type(), CV_8UC1);
    ASSERT_EQ(conformed.size(), conformedImage.size());
    for (int y = 0; y < conformed.rows; ++y) {
        for (int x = 0; x < conformed.cols; ++x) {
            const int value = conformed.at<std::uint8_t>(y, x);
            const int pixel = conformedImage.at<std::uint8_t>(y, x);
            ASSERT_TRUE(value == 0 || value == 3) << value;
            // Wholly inside the square: class; wholly outside (or in the letterbox): none.
            if (pixel == 255) {
                ASSERT_EQ(value, 3) << "x " << x << " y " << y;
            }
            if (pixel == 0) {
                ASSERT_EQ(value, 0) << "x " << x << " y " << y;
            }
        }
    }
    const cv::Mat bright = conformedImage > 127;
    EXPECT_TRUE(setPixelsWithinAPixel(bright, conformed > 0));
    EXPECT_GT(cv::countNonZero(conformed), 0);
}

TEST(ImagingClassMaskTest, ConformedMaskLandsOnTheConformedImagesPixels) {
    const cv::Size source(50, 37);
    const cv::Rect square(11, 7, 19, 16);
    for (const ImageSpec::Resize resize :
         {ImageSpec::Resize::Stretch, ImageSpec::Resize::Letterbox, ImageSpec::Resize::Pad}) {
        for (const cv::Size size : {cv::Size(23, 31), cv::Size(80, 45), cv::Size(40, 60),
                                    cv::Size(33, 33), cv::Size(50, 37), cv::Size(128, 97)}) {
            expectMaskOnTheSquare(source, square, {size.width, size.height, 1, resize});
        }
    }
    expectMaskOnTheSquare({512, 512}, {101, 203, 77, 150}, {128, 128, 1});
}

// The centre of a 0/255 or class image's set pixels, in pixel-centre coordinates, weighted
// by value for the image (its edge pixels are partly covered).
cv::Point2d weightedCentre(const cv::Mat& pixels) {
    const cv::Moments moments = cv::moments(pixels);
    return {moments.m10 / moments.m00 + 0.5, moments.m01 / moments.m00 + 0.5};
}

// Nearest neighbour that samples pixel corners rather than centres drifts a mask by up to
// half a target pixel from its image; over many placements the drift shows in the mean.
TEST(ImagingClassMaskTest, ConformedMaskDoesNotDriftFromItsImage) {
    for (const cv::Size size : {cv::Size(50, 40), cv::Size(60, 47), cv::Size(290, 230)}) {
        SCOPED_TRACE(std::to_string(size.width) + "x" + std::to_string(size.height));
        const cv::Size source(200, 160);
        const ImageSpec spec{size.width, size.height, 1};
        cv::Point2d drift;
        const int placements = 20;
        for (int offset = 0; offset < placements; ++offset) {
            const cv::Rect square(40 + offset, 30 + offset, 57, 45);
            cv::Mat image = cv::Mat::zeros(source, CV_8UC1);
            image(square).setTo(255);
            const cv::Mat mask =
                renderClassMask({rectangleRegion(square, 1)}, source.width, source.height);
            drift += weightedCentre(conformMask(mask, spec)) -
                     weightedCentre(conformImage(image, spec, "square"));
        }
        // Corner sampling drifts 0.375 and more here; centre sampling only breaks ties (an
        // even scale puts a sample on a source pixel edge): 0.125 at most.
        EXPECT_LT(std::abs(drift.x / placements), 0.2);
        EXPECT_LT(std::abs(drift.y / placements), 0.2);
    }
}

TEST(ImagingClassMaskTest, LetterboxBorderIsBackground) {
    const cv::Mat everywhere(10, 40, CV_8UC1, cv::Scalar(6)); // 4:1, into a square frame
    const cv::Mat conformed = conformMask(everywhere, {20, 20, 3, ImageSpec::Resize::Letterbox});
    ASSERT_EQ(conformed.size(), cv::Size(20, 20));
    const cv::Rect inner =
        conformedArea(everywhere.size(), {20, 20, 3, ImageSpec::Resize::Letterbox});
    EXPECT_EQ(inner, cv::Rect(0, 7, 20, 5));
    EXPECT_EQ(cv::countNonZero(conformed), inner.area());
    EXPECT_EQ(cv::countNonZero(conformed(inner) == 6), inner.area());
}

// Padded, a part that fits keeps every pixel of its mask: a 1 px scratch stays 1 px wide. One
// larger than the frame shrinks as a letterbox would.
TEST(ImagingClassMaskTest, APaddedPartKeepsItsPixels) {
    cv::Mat scratch = cv::Mat::zeros(37, 50, CV_8UC1);
    cv::line(scratch, {3, 30}, {45, 4}, cv::Scalar(2), 1);
    const ImageSpec spec{64, 48, 1, ImageSpec::Resize::Pad};
    const cv::Rect area = conformedArea(scratch.size(), spec);
    EXPECT_EQ(area, cv::Rect(7, 5, 50, 37)); // centred, not scaled
    const cv::Mat conformed = conformMask(scratch, spec);
    EXPECT_EQ(cv::countNonZero(conformed), cv::countNonZero(scratch));
    EXPECT_EQ(cv::countNonZero(conformed(area) != scratch), 0);

    cv::Mat image(37, 50, CV_8UC1, cv::Scalar(90));
    image.setTo(200, scratch);
    const cv::Mat padded = conformImage(image, spec, "scratch");
    EXPECT_EQ(cv::countNonZero(padded(area) != image), 0);
    EXPECT_EQ(cv::countNonZero(padded), area.area()); // zeros around

    EXPECT_EQ(conformedArea({128, 64}, spec),
              conformedArea({128, 64}, {64, 48, 1, ImageSpec::Resize::Letterbox}));
    EXPECT_EQ(conformedArea({128, 64}, spec), cv::Rect(0, 8, 64, 32));
}

TEST(ImagingClassMaskTest, ResizeNamesRoundTrip) {
    for (const ImageSpec::Resize resize :
         {ImageSpec::Resize::Stretch, ImageSpec::Resize::Letterbox, ImageSpec::Resize::Pad}) {
        EXPECT_EQ(resizeFromName(resizeName(resize)), resize);
    }
    EXPECT_EQ(resizeName(ImageSpec::Resize::Pad), "pad");
    EXPECT_FALSE(resizeFromName("crop").has_value());
}

TEST(ImagingClassMaskTest, ConformRefusesWhatIsNotAClassMask) {
    expectClassMaskError([] { conformMask(cv::Mat(), {8, 8, 1}); }, {"0 x 0"});
    expectClassMaskError(
        [] {
            conformMask(cv::Mat(4, 4, CV_8UC3, cv::Scalar::all(0)), {8, 8, 1});
        },
        {"3 channel"});
}

} // namespace
} // namespace kestrel::imaging
