#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kestrel::annotations {

// Where a defect is on a sample, beside its class label. Coordinates are image pixels with
// COCO's convention: the top-left corner of the image is (0, 0) and pixel (i, j) covers
// [i, i+1) x [j, j+1), so a box of the whole image is (0, 0, width, height).
enum class ShapeKind { Box, Polygon, Mask };

std::string_view kindName(ShapeKind kind); // "box", "polygon", "mask"
std::optional<ShapeKind> parseKind(std::string_view name);

struct Point {
    double x = 0;
    double y = 0;
};

inline bool operator==(const Point& a, const Point& b) {
    return a.x == b.x && a.y == b.y;
}

struct Box {
    double x = 0;
    double y = 0;
    double width = 0;
    double height = 0;
    double right() const { return x + width; }
    double bottom() const { return y + height; }
};

inline bool operator==(const Box& a, const Box& b) {
    return a.x == b.x && a.y == b.y && a.width == b.width && a.height == b.height;
}

// A binary mask of the image's size, run-length encoded as COCO does: runs of 0s and 1s
// alternate down the columns (column-major), starting with a (possibly empty) run of 0s.
// Runs sum to width * height.
struct RleMask {
    int width = 0;
    int height = 0;
    std::vector<std::uint32_t> counts;
};

inline bool operator==(const RleMask& a, const RleMask& b) {
    return a.width == b.width && a.height == b.height && a.counts == b.counts;
}

// One region. Which geometry member is used depends on `kind`: a Box uses `box`; a Polygon
// uses `points` (three or more vertices, the closing edge implied); a Mask uses `mask`, or
// `maskFile` when it is kept as an image file next to the data (MVTec's ground truth, a
// stored path as samples.path has them) instead of in the project.
struct Shape {
    std::int64_t id = 0;      // the store's; 0 until stored
    std::int64_t classId = 0; // 0: no class
    ShapeKind kind = ShapeKind::Box;
    Box box;
    std::vector<Point> points;
    RleMask mask;
    std::string maskFile;
    bool hidden = false;         // drawn in the viewer only when false
    std::string source = "user"; // "user", "import" or "model"
    // What dataset formats say of an object and keep on a round trip.
    bool crowd = false;     // COCO iscrowd
    bool difficult = false; // Pascal VOC
    bool truncated = false; // Pascal VOC
};

// A shape as a dataset file gives it: its class by name (empty: none) until the importer
// maps names to the project's classes.
struct LabelledShape {
    Shape shape;
    std::string className;
};

// The smallest box holding the shape (a mask's set pixels; an empty mask gives an empty
// box at 0,0). A mask kept as a file has no geometry here: empty box.
Box boundsOf(const Shape& shape);

// Moves the shape by (dx, dy) pixels. Masks move by whole pixels (rounded), losing what
// leaves the image.
void translate(Shape& shape, double dx, double dy);

} // namespace kestrel::annotations
