#pragma once

#include "annotations/shape.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kestrel::annotations {

// COCO's run-length masks (pycocotools' maskApi.c semantics, written anew).

// From a row-major 8-bit image of width x height with `stride` bytes per row; any non-zero
// byte is set.
RleMask encodeMask(const std::uint8_t* pixels, int width, int height, std::size_t stride);
// Into a row-major width x height buffer of 0 and 255.
std::vector<std::uint8_t> decodeMask(const RleMask& mask);

// COCO's compressed string form of `counts` (the "counts" string of an RLE segmentation):
// each count as a delta against the count two before (from the fourth on), in 5-bit groups
// with a continuation bit, offset by 48 into printable ASCII.
std::string countsToString(const std::vector<std::uint32_t>& counts);
// Throws kestrel::Error naming `what` (e.g. "annotations[3].segmentation.counts in x.json")
// when the string is malformed or the runs do not sum to width * height.
RleMask rleFromString(std::string_view counts, int width, int height, const std::string& what);
// Checks uncompressed counts (a list of integers) the same way.
RleMask rleFromCounts(std::vector<std::uint32_t> counts, int width, int height,
                      const std::string& what);

std::uint64_t maskArea(const RleMask& mask); // set pixels
Box maskBounds(const RleMask& mask);         // of the set pixels; empty box when none

// The pixels whose centres lie inside the polygon (a scanline fill: OpenCV's fillPoly also
// sets the pixels its edges cross, so abutting polygons would share them).
RleMask rasterisePolygon(const std::vector<Point>& points, int width, int height);

// The fill tool: `mask` with the 4-connected region of unset pixels around (x, y) set
// (OpenCV's floodFill). Unchanged when (x, y) is set or off the image.
RleMask fillRegion(const RleMask& mask, int x, int y);

// The outer contours of the set pixels as polygons (OpenCV's findContours, vertices on
// pixel corners), each with 3 or more vertices; for formats that cannot hold masks.
std::vector<std::vector<Point>> maskOutlines(const RleMask& mask);

} // namespace kestrel::annotations
