#pragma once

#include "annotations/shape.h"

#include <array>
#include <cstdint>
#include <vector>

#include <QColor>
#include <QImage>
#include <QPainterPath>
#include <QPoint>
#include <QRectF>

namespace kestrel::widgets {

// A mask as images ready to draw, cropped to its set pixels so that a thousand small masks
// on a large image stay small. Built once per shape change, never per paint.
struct MaskPicture {
    QPoint origin;                  // image pixel of the pictures' top-left corner
    QImage fill;                    // the colour on set pixels, transparent elsewhere
    QImage edge;                    // the colour on set pixels at the mask's border only
    std::vector<std::uint8_t> bits; // 1 per set pixel, row-major over fill's size

    bool isEmpty() const { return fill.isNull(); }
    bool contains(int x, int y) const; // image pixel
};

// Reads the runs directly (no full-image decode): the cost follows the runs and the set
// pixels' bounding box, not the image size.
MaskPicture pictureOfMask(const annotations::RleMask& mask, const QColor& color);

// One shape as the annotation editor draws and hit-tests it, in image coordinates.
struct ShapePicture {
    annotations::Shape shape;
    QColor color;
    QRectF bounds;     // the geometry's bounding box, checked before any exact test
    QPainterPath path; // boxes and polygons
    MaskPicture mask;  // masks kept in the project (not those kept as files)
};

ShapePicture pictureOf(const annotations::Shape& shape, const QColor& color);
// Whether a picture of `a` can be drawn for `b` (given the same colour): the same kind and
// geometry, whatever their ids, classes or flags.
bool sameGeometry(const annotations::Shape& a, const annotations::Shape& b);
// The path of a box or polygon in image coordinates (empty for masks).
QPainterPath pathOf(const annotations::Shape& shape);
// Whether the shape covers the image point: inside it, or within `tolerance` image pixels
// of a box's or polygon's outline (so that thin shapes can be grabbed).
bool pictureHits(const ShapePicture& picture, const QPointF& point, double tolerance);

// A box's eight resize handles, clockwise from the top-left corner (AnnotationEditor's
// Handle order).
std::array<QPointF, 8> boxHandles(const annotations::Box& box);

// Distance from p to the segment ab.
double distanceToSegment(const QPointF& p, const QPointF& a, const QPointF& b);

} // namespace kestrel::widgets
