// Previews and cached thumbnails of real files in the formats inspection cameras write.
#include "common/error.h"
#include "files.h"
#include "images.h"
#include "imaging/preview.h"
#include "temp_dir.h"

#include <gtest/gtest.h>

namespace kestrel::imaging {
namespace {

namespace fs = std::filesystem;
using kestrel::testing::writeImage;

std::size_t filesUnder(const fs::path& folder) {
    std::size_t count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
        count += entry.is_regular_file() ? 1 : 0;
    }
    return count;
}

TEST(PreviewTest, ColourBecomesRgbAndSixteenBitGrayStaysGray) {
    kestrel::testing::TempDir dir;
    cv::Mat bgr(4, 6, CV_8UC3, cv::Scalar(10, 20, 30)); // blue 10, green 20, red 30
    writeImage(dir / "colour.png", bgr);
    const PreviewImage colour = decodePreview(dir / "colour.png");
    EXPECT_EQ(colour.width, 6);
    EXPECT_EQ(colour.height, 4);
    ASSERT_EQ(colour.channels, 3);
    EXPECT_EQ(colour.pixels.size(), 6u * 4u * 3u);
    EXPECT_EQ(colour.pixels[0], 30);
    EXPECT_EQ(colour.pixels[2], 10);

    writeImage(dir / "deep.tif", cv::Mat(3, 5, CV_16UC1, cv::Scalar(65535)));
    const PreviewImage deep = decodePreview(dir / "deep.tif");
    ASSERT_EQ(deep.channels, 1);
    EXPECT_EQ(deep.pixels.size(), 15u);
    EXPECT_EQ(deep.pixels[7], 255);
}

TEST(PreviewTest, ThumbnailsKeepTheAspectRatioAndAreServedFromTheCache) {
    kestrel::testing::TempDir dir;
    writeImage(dir / "part.png", 300, 200, 5);
    const fs::path cache = dir / "cache";
    const PreviewImage first = loadThumbnail(dir / "part.png", "abc123", cache, 64);
    EXPECT_EQ(first.width, 64);
    EXPECT_EQ(first.height, 43);
    EXPECT_EQ(first.channels, 3);
    ASSERT_EQ(filesUnder(cache), 1u);

    // With the original gone, only the cache can answer, with the same pixels.
    fs::remove(dir / "part.png");
    const PreviewImage again = loadThumbnail(dir / "part.png", "abc123", cache, 64);
    EXPECT_EQ(again.pixels, first.pixels);
    EXPECT_THROW(loadThumbnail(dir / "part.png", "abc123", cache, 96), Error)
        << "another size is another cache entry";
}

TEST(PreviewTest, ADamagedCacheFileIsMadeAgain) {
    kestrel::testing::TempDir dir;
    writeImage(dir / "part.png", 40, 40, 6, CV_8UC1);
    const fs::path cache = dir / "cache";
    const PreviewImage first = loadThumbnail(dir / "part.png", "", cache, 16);
    EXPECT_EQ(first.channels, 1);
    for (const auto& entry : fs::recursive_directory_iterator(cache)) {
        if (entry.is_regular_file()) {
            kestrel::testing::writeBytes(entry.path(), "truncated");
        }
    }
    const PreviewImage again = loadThumbnail(dir / "part.png", "", cache, 16);
    EXPECT_EQ(again.pixels, first.pixels);
}

TEST(PreviewTest, AnUnreadableFileIsNamed) {
    kestrel::testing::TempDir dir;
    kestrel::testing::writeBytes(dir / "broken.png", "not an image");
    try {
        decodePreview(dir / "broken.png");
        FAIL() << "a broken file decoded";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("broken.png"), std::string::npos);
    }
}

} // namespace
} // namespace kestrel::imaging
