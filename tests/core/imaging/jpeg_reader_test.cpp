#include "files.h"
#include "images.h"
#include "imaging/decode.h"
#include "imaging/jpeg_reader.h"
#include "temp_dir.h"

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <turbojpeg.h>

namespace kestrel::imaging {
namespace {

using kestrel::testing::TempDir;

// A part under uneven light: a smooth gradient, a dark scratch, a bright spot, sensor noise,
// so the JPEG has both flat and high-entropy blocks. Channels as OpenCV lays them out.
cv::Mat partImage(int width, int height, int channels, unsigned seed) {
    cv::RNG random(seed + 1);
    cv::Mat image(height, width, CV_32FC(channels));
    const double lightX = random.uniform(-1.0, 1.0);
    const double lightY = random.uniform(-1.0, 1.0);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const double light = 120.0 + 60.0 * (lightX * x / width + lightY * y / height);
            for (int c = 0; c < channels; ++c) {
                image.ptr<float>(y)[x * channels + c] = static_cast<float>(light + 12.0 * c);
            }
        }
    }
    cv::line(image, {random.uniform(0, width), 0}, {random.uniform(0, width), height - 1},
             cv::Scalar::all(30), 1);
    cv::circle(image, {random.uniform(0, width), random.uniform(0, height)},
               std::max(1, std::min(width, height) / 10), cv::Scalar::all(240), cv::FILLED);
    cv::Mat noise(height, width, CV_32FC(channels));
    random.fill(noise, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(random.uniform(2, 40)));
    cv::Mat out;
    cv::Mat(image + noise).convertTo(out, CV_8U);
    return out;
}

// `image` encoded by TurboJPEG with the chroma subsampling, quality and scan layout given:
// the layouts cameras and other programs write that OpenCV's own encoder does not.
std::string turboJpeg(const cv::Mat& image, int subsampling, int quality, bool progressive) {
    tjhandle handle = tjInitCompress();
    unsigned char* buffer = nullptr;
    unsigned long size = 0;
    const int format = image.channels() == 1 ? TJPF_GRAY : TJPF_BGR;
    const int flags = progressive ? TJFLAG_PROGRESSIVE : 0;
    const int result = tjCompress2(handle, image.data, image.cols, static_cast<int>(image.step[0]),
                                   image.rows, format, &buffer, &size, subsampling, quality, flags);
    std::string bytes;
    if (result == 0) {
        bytes.assign(reinterpret_cast<const char*>(buffer), size);
    }
    tjFree(buffer);
    tjDestroy(handle);
    if (bytes.empty()) {
        throw std::runtime_error("TurboJPEG could not encode the test image");
    }
    return bytes;
}

cv::Mat imreadAsKestrelAsks(const std::filesystem::path& file) {
    return cv::imread(file.string(), cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR);
}

void expectSamePixels(const cv::Mat& got, const cv::Mat& reference) {
    ASSERT_FALSE(reference.empty());
    ASSERT_EQ(got.size(), reference.size());
    ASSERT_EQ(got.type(), reference.type());
    EXPECT_EQ(cv::norm(got, reference, cv::NORM_INF), 0.0);
}

struct Written {
    std::filesystem::path file;
    std::string what;
};

// JPEG files of every common layout: sizes down to a pixel and not multiples of the 8 or 16
// pixel blocks, gray and colour, each chroma subsampling, low to high quality, baseline and
// progressive, and OpenCV's own encoder with restart markers.
std::vector<Written> writePlainJpegs(const TempDir& dir, unsigned seed) {
    const cv::Size sizes[] = {{1, 1}, {7, 5}, {33, 17}, {341, 256}, {250, 333}};
    const int colourSubsamplings[] = {TJSAMP_444, TJSAMP_422, TJSAMP_420, TJSAMP_440, TJSAMP_411};
    std::vector<Written> written;
    int number = 0;
    for (const cv::Size size : sizes) {
        for (const int quality : {35, 90}) {
            for (const bool progressive : {false, true}) {
                const unsigned imageSeed = seed + static_cast<unsigned>(number);
                const cv::Mat gray = partImage(size.width, size.height, 1, imageSeed);
                const auto grayFile = dir / ("gray-" + std::to_string(number) + ".jpg");
                kestrel::testing::writeBytes(grayFile,
                                             turboJpeg(gray, TJSAMP_GRAY, quality, progressive));
                written.push_back({grayFile, "gray " + std::to_string(size.width) + "x" +
                                                 std::to_string(size.height)});
                const cv::Mat colour = partImage(size.width, size.height, 3, imageSeed);
                const int subsampling = colourSubsamplings[number % 5];
                const auto colourFile = dir / ("colour-" + std::to_string(number) + ".jpeg");
                kestrel::testing::writeBytes(colourFile,
                                             turboJpeg(colour, subsampling, quality, progressive));
                written.push_back({colourFile, "colour " + std::to_string(size.width) + "x" +
                                                   std::to_string(size.height) + " subsampling " +
                                                   std::to_string(subsampling) + " quality " +
                                                   std::to_string(quality)});
                ++number;
            }
        }
        const auto openCvFile = dir / ("opencv-" + std::to_string(number++) + ".jpg");
        kestrel::testing::writeImage(
            openCvFile, partImage(size.width, size.height, 3, seed),
            {cv::IMWRITE_JPEG_QUALITY, 80, cv::IMWRITE_JPEG_RST_INTERVAL, 2});
        written.push_back({openCvFile, "OpenCV's encoder with restart markers"});
    }
    return written;
}

TEST(JpegReaderTest, PlainJpegsDecodeToImreadsExactPixels) {
    TempDir dir;
    for (const unsigned seed : {3U, 71U}) {
        for (const Written& jpeg : writePlainJpegs(dir, seed)) {
            SCOPED_TRACE(jpeg.what);
            const cv::Mat got = readJpegLikeOpenCv(jpeg.file).image;
            ASSERT_FALSE(got.empty()) << "the fast path declined a plain JPEG";
            expectSamePixels(got, imreadAsKestrelAsks(jpeg.file));
        }
    }
}

TEST(JpegReaderTest, PlainExifOrientationIsKeptOnTheFastPath) {
    TempDir dir;
    const cv::Mat image = partImage(40, 20, 3, 5);
    const auto file = dir / "upright.jpg";
    kestrel::testing::writeBytes(file, kestrel::testing::jpegWithOrientation(image, 1));
    const cv::Mat got = readJpegLikeOpenCv(file).image;
    ASSERT_FALSE(got.empty());
    expectSamePixels(got, imreadAsKestrelAsks(file));
}

// Files whose pixels imread would produce differently (or not at all) are left to it, and
// readImageFile then returns exactly what imread does.
TEST(JpegReaderTest, WhatImreadReadsDifferentlyIsLeftToIt) {
    TempDir dir;
    const cv::Mat image = partImage(64, 48, 3, 9);
    std::vector<Written> declined;

    for (const std::uint8_t orientation : {2, 3, 6, 8}) {
        const auto file = dir / ("turned-" + std::to_string(orientation) + ".jpg");
        kestrel::testing::writeBytes(file,
                                     kestrel::testing::jpegWithOrientation(image, orientation));
        declined.push_back({file, "EXIF orientation " + std::to_string(orientation)});
    }
    const std::string whole = turboJpeg(image, TJSAMP_420, 90, false);
    const auto cut = dir / "cut.jpg";
    kestrel::testing::writeBytes(cut, whole.substr(0, whole.size() * 2 / 3));
    declined.push_back({cut, "truncated"});
    const auto png = dir / "part.png";
    kestrel::testing::writeImage(png, image);
    declined.push_back({png, "a PNG"});
    const auto pngNamedJpeg = dir / "really-a-png.jpg";
    kestrel::testing::writeBytes(pngNamedJpeg, kestrel::testing::readBytes(png));
    declined.push_back({pngNamedJpeg, "a PNG named .jpg"});

    for (const Written& file : declined) {
        SCOPED_TRACE(file.what);
        EXPECT_TRUE(readJpegLikeOpenCv(file.file).image.empty());
        expectSamePixels(readImageFile(file.file), imreadAsKestrelAsks(file.file));
    }
    // The turned files come out turned: 64x48 stands 48x64 after a quarter turn.
    EXPECT_EQ(readImageFile(dir / "turned-6.jpg").size(), cv::Size(48, 64));
}

TEST(JpegReaderTest, ReducedSizeIsTheSmallestScaleThatStillCoversWhatIsNeeded) {
    EXPECT_EQ(reducedJpegSize({2448, 2048}, {224, 224}), cv::Size(306, 256)); // 1/8
    EXPECT_EQ(reducedJpegSize({1024, 768}, {224, 224}), cv::Size(512, 384));  // 1/4 is 192 high
    EXPECT_EQ(reducedJpegSize({1001, 777}, {125, 97}), cv::Size(126, 98));    // rounded up
    EXPECT_EQ(reducedJpegSize({1001, 777}, {126, 98}), cv::Size(126, 98));
    EXPECT_EQ(reducedJpegSize({1001, 777}, {127, 98}), cv::Size(251, 195));
    EXPECT_EQ(reducedJpegSize({341, 256}, {224, 224}), cv::Size(341, 256)); // not twice: whole
    EXPECT_EQ(reducedJpegSize({341, 256}, {}), cv::Size(341, 256));
}

// A JPEG less than four times the frame decodes whole: decodeForSpec gives
// conformImage(imread).
TEST(JpegReaderTest, JpegsUnderFourTimesTheFrameGiveTheFullDecodesPixels) {
    TempDir dir;
    const ImageSpec specs[] = {
        {224, 224, 3}, {200, 150, 3, ImageSpec::Resize::Letterbox}, {224, 224, 1}, {128, 128, 3}};
    for (const cv::Size size : {cv::Size(341, 256), cv::Size(256, 256), cv::Size(250, 333)}) {
        const auto file = dir / ("part-" + std::to_string(size.width) + ".jpg");
        kestrel::testing::writeBytes(
            file, turboJpeg(partImage(size.width, size.height, 3, 17), TJSAMP_420, 85, false));
        for (const ImageSpec& spec : specs) {
            SCOPED_TRACE(std::to_string(size.width) + "x" + std::to_string(size.height) + " to " +
                         std::to_string(spec.width) + "x" + std::to_string(spec.height));
            const ConformedFile got = decodeForSpec(file, spec);
            EXPECT_EQ(got.fileSize, size);
            expectSamePixels(got.image,
                             conformImage(imreadAsKestrelAsks(file), spec, file.string()));
        }
    }
}

// A camera-sized JPEG is decoded at a reduced scale: the file's size is still reported, the
// frame is filled as from the full decode (the letterbox area included), and the pixels
// differ from the full decode's by little more than JPEG's own rounding.
TEST(JpegReaderTest, LargeJpegsDecodeReducedAndCloseToTheFullDecode) {
    TempDir dir;
    const ImageSpec specs[] = {
        {224, 224, 3}, {128, 96, 3, ImageSpec::Resize::Letterbox}, {96, 96, 1}};
    int number = 0;
    for (const cv::Size size : {cv::Size(2448, 2048), cv::Size(2001, 1555), cv::Size(1200, 4000)}) {
        for (const int channels : {1, 3}) {
            const auto file = dir / ("camera-" + std::to_string(number) + ".jpg");
            const cv::Mat part = partImage(size.width, size.height, channels, 23 + number++);
            kestrel::testing::writeBytes(
                file, turboJpeg(part, channels == 1 ? TJSAMP_GRAY : TJSAMP_420, 90, false));
            for (const ImageSpec& spec : specs) {
                SCOPED_TRACE(std::to_string(size.width) + "x" + std::to_string(size.height) + ", " +
                             std::to_string(channels) + " channels, to " +
                             std::to_string(spec.width) + "x" + std::to_string(spec.height));
                const cv::Size needed = conformedArea(size, spec).size();
                ASSERT_LT(reducedJpegSize(size, needed * 2).area(), size.area() / 3)
                    << "the test should exercise a reduced decode";
                const ConformedFile got = decodeForSpec(file, spec);
                EXPECT_EQ(got.fileSize, size);
                const cv::Mat full = conformImage(imreadAsKestrelAsks(file), spec, file.string());
                ASSERT_EQ(got.image.size(), full.size());
                ASSERT_EQ(got.image.type(), full.type());
                cv::Mat difference;
                cv::absdiff(got.image, full, difference);
                const double mean = cv::mean(difference)[0];
                EXPECT_LT(mean, 2.0);
                if (spec.resize == ImageSpec::Resize::Letterbox) {
                    // The picture fills the full decode's area and the padding is zero.
                    const cv::Rect area = conformedArea(size, spec);
                    cv::Mat padding = got.image.clone();
                    padding(area).setTo(cv::Scalar::all(0));
                    EXPECT_EQ(cv::countNonZero(padding.reshape(1)), 0);
                    EXPECT_GT(cv::countNonZero(got.image(area).clone().reshape(1)),
                              area.area() * got.image.channels() * 9 / 10);
                }
            }
        }
    }
}

TEST(JpegReaderTest, ATurnedLargeJpegIsDecodedWholeAndTurned) {
    TempDir dir;
    const cv::Mat part = partImage(960, 640, 3, 29);
    const auto file = dir / "turned.jpg";
    kestrel::testing::writeBytes(file, kestrel::testing::jpegWithOrientation(part, 6));
    const ImageSpec spec{100, 100, 3, ImageSpec::Resize::Letterbox};
    const ConformedFile got = decodeForSpec(file, spec);
    EXPECT_EQ(got.fileSize, cv::Size(640, 960));
    expectSamePixels(got.image, conformImage(imreadAsKestrelAsks(file), spec, file.string()));
}

TEST(JpegReaderTest, ThreadsDecodingAtOnceGetTheSamePixels) {
    TempDir dir;
    const std::vector<Written> files = writePlainJpegs(dir, 11);
    std::vector<cv::Mat> references;
    for (const Written& file : files) {
        references.push_back(imreadAsKestrelAsks(file.file));
    }
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (int thread = 0; thread < 4; ++thread) {
        threads.emplace_back([&, thread] {
            for (int round = 0; round < 3; ++round) {
                for (std::size_t i = 0; i < files.size(); ++i) {
                    const cv::Mat got = readImageFile(files[i].file);
                    if (got.size() != references[i].size() ||
                        cv::norm(got, references[i], cv::NORM_INF) != 0.0) {
                        ++mismatches[thread];
                    }
                }
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

} // namespace
} // namespace kestrel::imaging
