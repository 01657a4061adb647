#include "annotations/rle.h"
#include "annotations/shape.h"
#include "annotations/shape_json.h"
#include "common/error.h"

#include <gtest/gtest.h>

namespace kestrel::annotations {
namespace {

Shape readBack(const Shape& shape) {
    Shape back;
    back.kind = shape.kind;
    readGeometryJson(back, geometryJson(shape), "a test shape");
    return back;
}

TEST(ShapeJson, BoxesKeepTheirCornerSizeAndFlags) {
    Shape box;
    box.kind = ShapeKind::Box;
    box.box = {3.25, 4.5, 10.75, 0.5};
    box.difficult = true;
    const Shape back = readBack(box);
    EXPECT_EQ(back.box, box.box);
    EXPECT_TRUE(back.difficult);
    EXPECT_FALSE(back.truncated);
    EXPECT_FALSE(back.crowd);
}

TEST(ShapeJson, PolygonsKeepTheirVerticesInOrder) {
    Shape polygon;
    polygon.kind = ShapeKind::Polygon;
    polygon.points = {{1, 2}, {30.5, 2}, {30.5, 40.125}, {0, 17}};
    EXPECT_EQ(readBack(polygon).points, polygon.points);
}

TEST(ShapeJson, MasksTravelAsCompressedRle) {
    std::vector<std::uint8_t> pixels(7 * 5, 0);
    pixels[2 * 7 + 3] = 1;
    pixels[2 * 7 + 4] = 1;
    pixels[4 * 7 + 6] = 1;
    Shape mask;
    mask.kind = ShapeKind::Mask;
    mask.mask = encodeMask(pixels.data(), 7, 5, 7);
    mask.crowd = true;
    const Shape back = readBack(mask);
    EXPECT_EQ(back.mask, mask.mask);
    EXPECT_TRUE(back.crowd);
    EXPECT_EQ(maskArea(back.mask), 3u);
}

TEST(ShapeJson, GeometryOfTheWrongKindIsRefusedNamingTheShape) {
    Shape polygon;
    polygon.kind = ShapeKind::Polygon;
    try {
        readGeometryJson(polygon, R"({"x": 1, "y": 2, "width": 3, "height": 4})", "annotation 9");
        FAIL() << "a box's geometry was read as a polygon";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("annotation 9"), std::string::npos);
    }
    Shape box;
    box.kind = ShapeKind::Box;
    EXPECT_THROW(readGeometryJson(box, "not json", "annotation 3"), Error);
    EXPECT_THROW(readGeometryJson(box, R"({"x": 1, "y": "2", "width": 3, "height": 4})", "a"),
                 Error);
}

TEST(ShapeBounds, CoverEveryKind) {
    Shape polygon;
    polygon.kind = ShapeKind::Polygon;
    polygon.points = {{5, 9}, {2, 3}, {8, 4}};
    EXPECT_EQ(boundsOf(polygon), (Box{2, 3, 6, 6}));

    std::vector<std::uint8_t> pixels(10 * 8, 0);
    pixels[3 * 10 + 2] = 255;
    pixels[5 * 10 + 6] = 255;
    Shape mask;
    mask.kind = ShapeKind::Mask;
    mask.mask = encodeMask(pixels.data(), 10, 8, 10);
    EXPECT_EQ(boundsOf(mask), (Box{2, 3, 5, 3}));
}

TEST(ShapeTranslate, MovesMasksByWholePixelsAndDropsWhatLeaves) {
    std::vector<std::uint8_t> pixels(6 * 4, 0);
    pixels[1 * 6 + 1] = 255; // survives a move of (+2, +1)
    pixels[3 * 6 + 5] = 255; // leaves the image
    Shape mask;
    mask.kind = ShapeKind::Mask;
    mask.mask = encodeMask(pixels.data(), 6, 4, 6);
    translate(mask, 2.4, 0.6);
    const std::vector<std::uint8_t> moved = decodeMask(mask.mask);
    EXPECT_EQ(maskArea(mask.mask), 1u);
    EXPECT_NE(moved[2 * 6 + 3], 0);

    Shape box;
    box.box = {1, 2, 3, 4};
    translate(box, -0.5, 10);
    EXPECT_EQ(box.box, (Box{0.5, 12, 3, 4}));
}

} // namespace
} // namespace kestrel::annotations
