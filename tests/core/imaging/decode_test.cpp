#include "common/error.h"
#include "files.h"
#include "images.h"
#include "imaging/decode.h"
#include "temp_dir.h"

#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace kestrel::imaging {
namespace {

using kestrel::testing::solidBgr;
using kestrel::testing::TempDir;
using kestrel::testing::writeImage;

cv::Vec3b rgbAt(const cv::Mat& image, int y, int x) {
    return image.at<cv::Vec3b>(y, x);
}

// Runs `call`, expecting a kestrel::Error of `kind` whose sentence names `file`.
template <typename Call>
void expectErrorNaming(Call call, ErrorKind kind, const std::filesystem::path& file) {
    try {
        call();
        FAIL() << "expected an error for " << file;
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), kind) << error.what();
        EXPECT_NE(std::string(error.what()).find(file.string()), std::string::npos) << error.what();
    }
}

TEST(ImagingDecodeTest, PureRedBecomesChannelZeroAfterRgbConversion) {
    TempDir dir;
    writeImage(dir / "red.png", solidBgr(6, 4, {0, 0, 255}));
    const cv::Mat image = decodeImage(dir / "red.png", {6, 4, 3});
    ASSERT_EQ(image.type(), CV_8UC3);
    EXPECT_EQ(rgbAt(image, 2, 3), cv::Vec3b(255, 0, 0));
}

TEST(ImagingDecodeTest, EveryFormatComesOutAtTheRequestedSizeInRgbOrder) {
    TempDir dir;
    for (const std::string name : {"red.png", "red.jpg", "red.bmp", "red.tif"}) {
        SCOPED_TRACE(name);
        writeImage(dir / name, solidBgr(40, 30, {0, 0, 255}));
        const cv::Mat image = decodeImage(dir / name, {16, 12, 3});
        ASSERT_EQ(image.rows, 12);
        ASSERT_EQ(image.cols, 16);
        ASSERT_EQ(image.type(), CV_8UC3);
        EXPECT_TRUE(image.isContinuous());
        const cv::Vec3b pixel = rgbAt(image, 6, 8);
        EXPECT_GT(pixel[0], 230); // JPEG is lossy: loose bounds
        EXPECT_LT(pixel[1], 25);
        EXPECT_LT(pixel[2], 25);
    }
}

TEST(ImagingDecodeTest, GrayAndColourConvertBothWays) {
    TempDir dir;
    writeImage(dir / "gray.png", cv::Mat(5, 5, CV_8UC1, cv::Scalar(100)));
    writeImage(dir / "red.png", solidBgr(5, 5, {0, 0, 255}));

    const cv::Mat grayAsRgb = decodeImage(dir / "gray.png", {5, 5, 3});
    ASSERT_EQ(grayAsRgb.type(), CV_8UC3);
    EXPECT_EQ(rgbAt(grayAsRgb, 1, 1), cv::Vec3b(100, 100, 100));

    const cv::Mat redAsGray = decodeImage(dir / "red.png", {5, 5, 1});
    ASSERT_EQ(redAsGray.type(), CV_8UC1);
    EXPECT_NEAR(redAsGray.at<std::uint8_t>(1, 1), 76, 1); // 0.299 * 255
}

TEST(ImagingDecodeTest, SixteenBitImagesAreScaledToEightBit) {
    TempDir dir;
    cv::Mat deep(4, 4, CV_16UC1, cv::Scalar(65535));
    deep.row(0).setTo(128 * 257);
    deep.row(1).setTo(0);
    for (const std::string name : {"deep.png", "deep.tif"}) {
        SCOPED_TRACE(name);
        writeImage(dir / name, deep);
        const cv::Mat image = decodeImage(dir / name, {4, 4, 1});
        ASSERT_EQ(image.type(), CV_8UC1);
        EXPECT_EQ(image.at<std::uint8_t>(0, 0), 128);
        EXPECT_EQ(image.at<std::uint8_t>(1, 0), 0);
        EXPECT_EQ(image.at<std::uint8_t>(3, 0), 255);
    }
}

TEST(ImagingDecodeTest, RgbaDropsAlphaAndKeepsColourOrder) {
    TempDir dir;
    writeImage(dir / "blue.png", cv::Mat(3, 3, CV_8UC4, cv::Scalar(255, 0, 0, 128)));
    const cv::Mat image = decodeImage(dir / "blue.png", {3, 3, 3});
    ASSERT_EQ(image.type(), CV_8UC3);
    EXPECT_EQ(rgbAt(image, 1, 1), cv::Vec3b(0, 0, 255));
}

TEST(ImagingDecodeTest, LetterboxKeepsAspectAndPadsWithZeros) {
    TempDir dir;
    writeImage(dir / "wide.png", solidBgr(40, 20, {255, 255, 255}));
    const cv::Mat image = decodeImage(dir / "wide.png", {20, 20, 3, ImageSpec::Resize::Letterbox});
    ASSERT_EQ(image.rows, 20);
    ASSERT_EQ(image.cols, 20);
    // 40x20 scaled by 0.5 is 20x10, centred: rows 5..14 are the image, the rest padding.
    for (int y = 0; y < 20; ++y) {
        const bool inside = y >= 5 && y < 15;
        EXPECT_EQ(rgbAt(image, y, 10), inside ? cv::Vec3b(255, 255, 255) : cv::Vec3b(0, 0, 0))
            << "row " << y;
    }

    const cv::Mat stretched = decodeImage(dir / "wide.png", {20, 20, 3});
    EXPECT_EQ(rgbAt(stretched, 0, 0), cv::Vec3b(255, 255, 255));
}

TEST(ImagingDecodeTest, ExifOrientationIsApplied) {
    TempDir dir;
    cv::Mat image = solidBgr(40, 20, {255, 0, 0}); // left half blue, right half red
    image.colRange(20, 40).setTo(cv::Scalar(0, 0, 255));
    const auto file = dir / "turned.jpg";
    kestrel::testing::writeBytes(file, kestrel::testing::jpegWithOrientation(image, 6));

    // Turned clockwise, the 40x20 frame stands 20 wide and 40 high with the left half on top.
    const cv::Mat turned = decodeImage(file, {20, 40, 3});
    const cv::Vec3b top = rgbAt(turned, 5, 10);
    const cv::Vec3b bottom = rgbAt(turned, 34, 10);
    EXPECT_GT(top[2], 200) << "top should be blue";
    EXPECT_LT(top[0], 60);
    EXPECT_GT(bottom[0], 200) << "bottom should be red";
    EXPECT_LT(bottom[2], 60);
}

TEST(ImagingDecodeTest, TextWithPngExtensionIsAnErrorNamingTheFile) {
    TempDir dir;
    const auto file = dir / "notes.png";
    kestrel::testing::writeBytes(file, "these are not pixels\n");
    expectErrorNaming([&] { decodeImage(file, {8, 8, 3}); }, ErrorKind::InvalidArgument, file);
}

TEST(ImagingDecodeTest, TruncatedPngIsAnErrorNamingTheFile) {
    TempDir dir;
    const auto whole = dir / "whole.png";
    writeImage(whole, cv::Mat(64, 64, CV_8UC3, cv::Scalar(10, 200, 30)));
    const std::string bytes = kestrel::testing::readBytes(whole);
    const auto cut = dir / "cut.png";
    kestrel::testing::writeBytes(cut, bytes.substr(0, bytes.size() / 2));
    expectErrorNaming([&] { decodeImage(cut, {8, 8, 3}); }, ErrorKind::InvalidArgument, cut);
}

TEST(ImagingDecodeTest, EmptyAndMissingFilesAreErrorsNamingTheFile) {
    TempDir dir;
    const auto empty = dir / "empty.jpg";
    kestrel::testing::writeBytes(empty, "");
    expectErrorNaming([&] { decodeImage(empty, {8, 8, 3}); }, ErrorKind::InvalidArgument, empty);
    const auto missing = dir / "missing.png";
    expectErrorNaming([&] { decodeImage(missing, {8, 8, 3}); }, ErrorKind::NotFound, missing);
}

// Colour images are resized before BGR becomes RGB (a reordering commutes with the resize):
// the pixels are exactly those of converting first, shrinking or enlarging, stretched or
// letterboxed.
TEST(ImagingDecodeTest, ColourIsReorderedAfterTheResizeWithTheSamePixels) {
    cv::Mat bgr(97, 131, CV_8UC3);
    cv::randu(bgr, cv::Scalar::all(0), cv::Scalar::all(256));
    for (const ImageSpec& spec : {ImageSpec{64, 48, 3, ImageSpec::Resize::Stretch},
                                  ImageSpec{200, 150, 3, ImageSpec::Resize::Stretch},
                                  ImageSpec{64, 64, 3, ImageSpec::Resize::Letterbox}}) {
        cv::Mat rgb;
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
        cv::Mat reference(spec.height, spec.width, CV_8UC3, cv::Scalar::all(0));
        const cv::Rect area = conformedArea(rgb.size(), spec);
        const bool shrinking = area.width < rgb.cols || area.height < rgb.rows;
        cv::resize(rgb, reference(area), area.size(), 0, 0,
                   shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
        const cv::Mat got = conformImage(bgr, spec, "memory");
        ASSERT_EQ(got.size(), reference.size());
        ASSERT_EQ(got.type(), CV_8UC3);
        EXPECT_EQ(cv::norm(got, reference, cv::NORM_INF), 0.0) << spec.width << "x" << spec.height;
    }
}

// Every byte value reaches the model as value * (1 / 255) in float, channel planes in the
// image's order, for gray and colour images of odd sizes.
TEST(ImagingDecodeTest, PlanarFloatsAreEachByteOver255InChannelPlanes) {
    for (const int channels : {1, 3}) {
        cv::Mat image(7, 41, CV_8UC(channels));
        for (int i = 0; i < image.rows * image.cols * channels; ++i) {
            image.data[i] = static_cast<std::uint8_t>((i * 37 + channels) % 256);
        }
        std::vector<float> planes(static_cast<std::size_t>(image.total()) * channels, -1.0f);
        writePlanarFloats(image, planes.data());
        int wrong = 0;
        for (int y = 0; y < image.rows; ++y) {
            for (int x = 0; x < image.cols; ++x) {
                for (int c = 0; c < channels; ++c) {
                    const std::uint8_t value = image.ptr<std::uint8_t>(y)[x * channels + c];
                    const float expected = static_cast<float>(value) * (1.0f / 255.0f);
                    const std::size_t at =
                        (static_cast<std::size_t>(c) * image.rows + y) * image.cols + x;
                    wrong += planes[at] != expected ? 1 : 0;
                }
            }
        }
        EXPECT_EQ(wrong, 0) << channels << " channels";
    }
}

TEST(ImagingDecodeTest, SpecOutOfRangeIsRejected) {
    const cv::Mat image(4, 4, CV_8UC3, cv::Scalar::all(1));
    EXPECT_THROW(conformImage(image, {0, 4, 3}, "memory"), Error);
    EXPECT_THROW(conformImage(image, {4, 4, 2}, "memory"), Error);
}

} // namespace
} // namespace kestrel::imaging
