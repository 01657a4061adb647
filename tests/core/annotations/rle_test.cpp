#include "annotations/rle.h"
#include "common/error.h"

#include <cmath>
#include <functional>
#include <random>

#include <gtest/gtest.h>

namespace kestrel::annotations {
namespace {

using Counts = std::vector<std::uint32_t>;

// Row-major pixels from rows of '.' (unset) and '#' (set).
std::vector<std::uint8_t> pixelsOf(const std::vector<std::string>& rows) {
    std::vector<std::uint8_t> pixels;
    for (const std::string& row : rows) {
        for (const char c : row) {
            pixels.push_back(c == '#' ? 1 : 0);
        }
    }
    return pixels;
}

RleMask maskOf(const std::vector<std::string>& rows) {
    const auto pixels = pixelsOf(rows);
    const int width = static_cast<int>(rows.front().size());
    return encodeMask(pixels.data(), width, static_cast<int>(rows.size()),
                      static_cast<std::size_t>(width));
}

std::string messageOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

double shoelaceArea(const std::vector<Point>& points) {
    double twice = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const Point& a = points[i];
        const Point& b = points[(i + 1) % points.size()];
        twice += a.x * b.y - b.x * a.y;
    }
    return std::abs(twice) / 2;
}

TEST(RleEncode, RunsGoDownColumnsStartingWithZeros) {
    // Column-major: column 0 is 0 0 0, column 1 is 1 1 0, column 2 is 0 1 0.
    const RleMask mask = maskOf({".#.", ".##", "..."});
    EXPECT_EQ(mask.width, 3);
    EXPECT_EQ(mask.height, 3);
    EXPECT_EQ(mask.counts, (Counts{3, 2, 2, 1, 1}));
    EXPECT_EQ(maskArea(mask), 3u);
    EXPECT_EQ(maskBounds(mask), (Box{1, 0, 2, 2}));
}

TEST(RleEncode, SetFirstPixelGivesAnEmptyRunOfZerosFirst) {
    EXPECT_EQ(maskOf({"##", "##"}).counts, (Counts{0, 4}));
    EXPECT_EQ(maskOf({"#.", ".."}).counts, (Counts{0, 1, 3}));
    EXPECT_EQ(maskOf({"..", ".."}).counts, (Counts{4}));
}

TEST(RleEncode, HonoursTheStrideAndAnyNonZeroByte) {
    // 2 x 2 pixels in rows of 4 bytes; the padding bytes must not be read as pixels.
    const std::vector<std::uint8_t> pixels = {0, 7, 9, 9, 200, 0, 9, 9};
    const RleMask mask = encodeMask(pixels.data(), 2, 2, 4);
    EXPECT_EQ(mask.counts, (Counts{1, 2, 1}));
    EXPECT_EQ(decodeMask(mask), (std::vector<std::uint8_t>{0, 255, 255, 0}));
}

TEST(RleString, SmallCountsAreOneCharacterEach) {
    EXPECT_EQ(countsToString({0, 1, 2}), "012");
    EXPECT_EQ(countsToString({}), "");
}

TEST(RleString, LargeCountsTakeSeveralGroups) {
    // 100 = 4 + 3 * 32: group 4 with the continuation bit (36 + 48 = 'T'), then 3 ('3').
    EXPECT_EQ(countsToString({100}), "T3");
    // 16 has the sign bit set in its only group, so a second group (0) must follow.
    EXPECT_EQ(countsToString({16}), "`0");
    // 1000 = 8 + 31 * 32: 'X' (8 | 32), 'o' (31 | 32, sign bit set), then '0'.
    EXPECT_EQ(countsToString({1000}), "Xo0");
}

TEST(RleString, FromTheFourthCountOnDeltasAgainstTwoBefore) {
    // 20 is the third count and written whole ("d0"); the fourth, 3, is 3 - 10 = -7:
    // -7 & 31 = 25 with the sign bit, one group: 25 + 48 = 'I'.
    EXPECT_EQ(countsToString({5, 10, 20, 3}), "5:d0I");
    // 10 - 1000 = -990 = 2 + 1 * 32 + 31 * 1024 - 32768: 'R', 'Q', 'O'.
    EXPECT_EQ(countsToString({0, 1000, 0, 10}), "0Xo00RQO");
    EXPECT_EQ(rleFromString("0Xo00RQO", 101, 10, "test").counts, (Counts{0, 1000, 0, 10}));
    EXPECT_EQ(rleFromString("5:d0I", 38, 1, "test").counts, (Counts{5, 10, 20, 3}));
}

TEST(RleString, RandomMasksOfOddSizesRoundTrip) {
    std::mt19937 random(7);
    const std::vector<std::pair<int, int>> sizes = {{1, 1}, {7, 5},   {13, 1},
                                                    {1, 9}, {31, 17}, {101, 63}};
    for (const auto& [width, height] : sizes) {
        for (const double density : {0.05, 0.5, 0.97}) {
            std::bernoulli_distribution on(density);
            std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width * height));
            std::uint64_t set = 0;
            int left = width, right = -1, top = height, bottom = -1;
            for (int y = 0; y < height; ++y) {
                for (int x = 0; x < width; ++x) {
                    if (on(random)) {
                        pixels[static_cast<std::size_t>(y * width + x)] = 255;
                        ++set;
                        left = std::min(left, x);
                        right = std::max(right, x);
                        top = std::min(top, y);
                        bottom = std::max(bottom, y);
                    }
                }
            }
            const RleMask mask =
                encodeMask(pixels.data(), width, height, static_cast<std::size_t>(width));
            EXPECT_EQ(decodeMask(mask), pixels) << width << "x" << height;
            EXPECT_EQ(maskArea(mask), set);
            const Box expected = set == 0 ? Box{}
                                          : Box{double(left), double(top), double(right - left + 1),
                                                double(bottom - top + 1)};
            EXPECT_EQ(maskBounds(mask), expected) << width << "x" << height << " " << density;
            const std::string text = countsToString(mask.counts);
            EXPECT_EQ(rleFromString(text, width, height, "test"), mask);
            EXPECT_EQ(rleFromCounts(mask.counts, width, height, "test"), mask);
        }
    }
}

TEST(RleString, MalformedStringsThrowNamingThePlace) {
    const std::string where = "annotations[3].segmentation.counts in x.json";
    const std::string badCharacter = messageOf([&] { rleFromString("01 2", 2, 2, where); });
    EXPECT_NE(badCharacter.find(where), std::string::npos) << badCharacter;
    EXPECT_NE(badCharacter.find("position 3"), std::string::npos) << badCharacter;

    const std::string truncated = messageOf([&] { rleFromString("0T", 10, 10, where); });
    EXPECT_NE(truncated.find(where), std::string::npos) << truncated;
    EXPECT_NE(truncated.find("middle of count 2"), std::string::npos) << truncated;

    // "012" then a delta of -7 against 1: a negative run.
    const std::string negative = messageOf([&] { rleFromString("012I", 2, 2, where); });
    EXPECT_NE(negative.find(where), std::string::npos) << negative;
    EXPECT_NE(negative.find("count 4"), std::string::npos) << negative;

    const std::string tooLong = messageOf([&] { rleFromString("ooooooooo0", 2, 2, where); });
    EXPECT_NE(tooLong.find("too long"), std::string::npos) << tooLong;

    const std::string wrongSum = messageOf([&] { rleFromString("012", 2, 2, where); });
    EXPECT_NE(wrongSum.find(where), std::string::npos) << wrongSum;
    EXPECT_NE(wrongSum.find("sum to 3"), std::string::npos) << wrongSum;

    EXPECT_THROW(rleFromCounts({1, 2}, 2, 2, where), Error);
    EXPECT_THROW(rleFromCounts({4}, -2, -2, where), Error);
    EXPECT_NO_THROW(rleFromCounts({1, 3}, 2, 2, where));
}

TEST(RleRaster, AxisAlignedSquareCoversItsPixels) {
    const RleMask square = rasterisePolygon({{2, 3}, {7, 3}, {7, 8}, {2, 8}}, 10, 10);
    EXPECT_EQ(square.width, 10);
    EXPECT_EQ(square.height, 10);
    EXPECT_EQ(maskArea(square), 25u);
    EXPECT_EQ(maskBounds(square), (Box{2, 3, 5, 5}));
    // Vertices off the grid: the pixels whose centres (x + 0.5) lie inside, 2.5 .. 6.5.
    const RleMask inset =
        rasterisePolygon({{2.2, 3.2}, {6.8, 3.2}, {6.8, 7.8}, {2.2, 7.8}}, 10, 10);
    EXPECT_EQ(maskArea(inset), 25u);
    EXPECT_EQ(maskBounds(inset), (Box{2, 3, 5, 5}));
    EXPECT_EQ(maskArea(rasterisePolygon({{1, 1}, {2, 2}}, 4, 4)), 0u);
}

TEST(RleFill, FillsTheInsideOfARingOnly) {
    const RleMask ring =
        maskOf({".......", ".#####.", ".#...#.", ".#...#.", ".#...#.", ".#####.", "......."});
    ASSERT_EQ(maskArea(ring), 16u);
    const RleMask filled = fillRegion(ring, 3, 3);
    EXPECT_EQ(filled, maskOf({".......", ".#####.", ".#####.", ".#####.", ".#####.", ".#####.",
                              "......."}));
    EXPECT_EQ(fillRegion(ring, 1, 1), ring);  // already set
    EXPECT_EQ(fillRegion(ring, 7, 3), ring);  // off the image
    EXPECT_EQ(fillRegion(ring, -1, 0), ring); // off the image
    EXPECT_EQ(maskArea(fillRegion(ring, 0, 0)), 49u - 9u);
}

TEST(RleOutlines, FollowPixelCornersAroundEachBlob) {
    const auto single = maskOutlines(maskOf({"...", ".#.", "..."}));
    ASSERT_EQ(single.size(), 1u);
    EXPECT_EQ(single[0].size(), 4u);
    EXPECT_DOUBLE_EQ(shoelaceArea(single[0]), 1.0);
    for (const Point& p : single[0]) {
        EXPECT_TRUE((p.x == 1 || p.x == 2) && (p.y == 1 || p.y == 2));
    }

    // An L with a concave corner, and a separate blob touching the image's edge.
    const RleMask shapes = maskOf({"#.....", "#...##", "##..##", "###..."});
    const auto outlines = maskOutlines(shapes);
    ASSERT_EQ(outlines.size(), 2u);
    double total = 0;
    std::size_t vertices = 0;
    for (const auto& outline : outlines) {
        total += shoelaceArea(outline);
        vertices += outline.size();
    }
    EXPECT_DOUBLE_EQ(total, static_cast<double>(maskArea(shapes)));
    EXPECT_EQ(vertices, 8u + 4u); // the staircase L has 8 corners, the square 4
    EXPECT_TRUE(maskOutlines(maskOf({"...", "..."})).empty());
}

} // namespace
} // namespace kestrel::annotations
