#include "shape_picture.h"

#include <algorithm>
#include <cmath>

#include <climits>

namespace kestrel::widgets {

namespace {

using annotations::RleMask;
using annotations::Shape;
using annotations::ShapeKind;

struct PixelBounds {
    int left = INT_MAX;
    int top = INT_MAX;
    int right = -1; // inclusive
    int bottom = -1;
    bool isEmpty() const { return right < 0; }
};

// Calls visit(start, length) for every run of set pixels, in column-major indices, clipped
// to the image so that malformed counts cannot reach past it.
template <typename Visit>
void forEachSetRun(const RleMask& mask, Visit visit) {
    const std::int64_t total = std::int64_t(mask.width) * mask.height;
    std::int64_t position = 0;
    bool set = false;
    for (const std::uint32_t count : mask.counts) {
        const std::int64_t length = std::min<std::int64_t>(count, total - position);
        if (set && length > 0) {
            visit(position, length);
        }
        position += length;
        set = !set;
    }
}

PixelBounds boundsOfRuns(const RleMask& mask) {
    PixelBounds bounds;
    const int h = mask.height;
    forEachSetRun(mask, [&](std::int64_t start, std::int64_t length) {
        const std::int64_t end = start + length - 1;
        const int firstColumn = int(start / h);
        const int lastColumn = int(end / h);
        bounds.left = std::min(bounds.left, firstColumn);
        bounds.right = std::max(bounds.right, lastColumn);
        if (firstColumn == lastColumn) {
            bounds.top = std::min(bounds.top, int(start % h));
            bounds.bottom = std::max(bounds.bottom, int(end % h));
        } else { // it wraps from the bottom of a column to the top of the next
            bounds.top = 0;
            bounds.bottom = h - 1;
        }
    });
    return bounds;
}

} // namespace

bool MaskPicture::contains(int x, int y) const {
    const int column = x - origin.x();
    const int row = y - origin.y();
    if (fill.isNull() || column < 0 || row < 0 || column >= fill.width() || row >= fill.height()) {
        return false;
    }
    return bits[std::size_t(row) * std::size_t(fill.width()) + std::size_t(column)] != 0;
}

MaskPicture pictureOfMask(const RleMask& mask, const QColor& color) {
    MaskPicture picture;
    if (mask.width <= 0 || mask.height <= 0) {
        return picture;
    }
    const PixelBounds bounds = boundsOfRuns(mask);
    if (bounds.isEmpty()) {
        return picture;
    }
    const int width = bounds.right - bounds.left + 1;
    const int height = bounds.bottom - bounds.top + 1;
    const int h = mask.height;
    picture.origin = QPoint(bounds.left, bounds.top);
    picture.bits.assign(std::size_t(width) * std::size_t(height), 0);
    auto& bits = picture.bits;
    forEachSetRun(mask, [&](std::int64_t start, std::int64_t length) {
        for (std::int64_t p = start; p < start + length;) {
            const int column = int(p / h);
            const std::int64_t columnEnd =
                std::min<std::int64_t>(start + length, std::int64_t(column + 1) * h);
            std::size_t index = std::size_t(int(p % h) - bounds.top) * std::size_t(width) +
                                std::size_t(column - bounds.left);
            for (; p < columnEnd; ++p, index += std::size_t(width)) {
                bits[index] = 1;
            }
        }
    });

    const QRgb opaque = qPremultiply(QColor(color.red(), color.green(), color.blue()).rgba());
    picture.fill = QImage(width, height, QImage::Format_ARGB32_Premultiplied);
    picture.edge = QImage(width, height, QImage::Format_ARGB32_Premultiplied);
    const auto at = [&](int x, int y) {
        return x >= 0 && y >= 0 && x < width && y < height &&
               bits[std::size_t(y) * std::size_t(width) + std::size_t(x)] != 0;
    };
    for (int y = 0; y < height; ++y) {
        auto* fillRow = reinterpret_cast<QRgb*>(picture.fill.scanLine(y));
        auto* edgeRow = reinterpret_cast<QRgb*>(picture.edge.scanLine(y));
        for (int x = 0; x < width; ++x) {
            const bool set = at(x, y);
            const bool border =
                set && (!at(x - 1, y) || !at(x + 1, y) || !at(x, y - 1) || !at(x, y + 1));
            fillRow[x] = set ? opaque : 0;
            edgeRow[x] = border ? opaque : 0;
        }
    }
    return picture;
}

QPainterPath pathOf(const Shape& shape) {
    QPainterPath path;
    if (shape.kind == ShapeKind::Box) {
        path.addRect(QRectF(shape.box.x, shape.box.y, shape.box.width, shape.box.height));
    } else if (shape.kind == ShapeKind::Polygon && !shape.points.empty()) {
        path.moveTo(shape.points.front().x, shape.points.front().y);
        for (std::size_t i = 1; i < shape.points.size(); ++i) {
            path.lineTo(shape.points[i].x, shape.points[i].y);
        }
        path.closeSubpath();
    }
    return path;
}

ShapePicture pictureOf(const Shape& shape, const QColor& color) {
    ShapePicture picture;
    picture.shape = shape;
    picture.color = color;
    if (shape.kind == ShapeKind::Mask) {
        picture.mask = pictureOfMask(shape.mask, color);
        if (!picture.mask.isEmpty()) {
            picture.bounds = QRectF(picture.mask.origin, picture.mask.fill.size());
        }
    } else {
        picture.path = pathOf(shape);
        picture.bounds = picture.path.boundingRect();
    }
    return picture;
}

bool sameGeometry(const Shape& a, const Shape& b) {
    return a.kind == b.kind && a.box == b.box && a.points == b.points && a.mask == b.mask &&
           a.maskFile == b.maskFile;
}

std::array<QPointF, 8> boxHandles(const annotations::Box& box) {
    const double middleX = box.x + box.width / 2.0;
    const double middleY = box.y + box.height / 2.0;
    return {QPointF(box.x, box.y),
            QPointF(middleX, box.y),
            QPointF(box.right(), box.y),
            QPointF(box.right(), middleY),
            QPointF(box.right(), box.bottom()),
            QPointF(middleX, box.bottom()),
            QPointF(box.x, box.bottom()),
            QPointF(box.x, middleY)};
}

double distanceToSegment(const QPointF& p, const QPointF& a, const QPointF& b) {
    const QPointF ab = b - a;
    const double lengthSquared = QPointF::dotProduct(ab, ab);
    const double t = lengthSquared > 0
                         ? std::clamp(QPointF::dotProduct(p - a, ab) / lengthSquared, 0.0, 1.0)
                         : 0.0;
    const QPointF nearest = a + t * ab;
    return std::hypot(p.x() - nearest.x(), p.y() - nearest.y());
}

bool pictureHits(const ShapePicture& picture, const QPointF& point, double tolerance) {
    if (picture.bounds.isNull() ||
        !picture.bounds.adjusted(-tolerance, -tolerance, tolerance, tolerance).contains(point)) {
        return false;
    }
    if (picture.shape.kind == ShapeKind::Mask) {
        return picture.mask.contains(int(std::floor(point.x())), int(std::floor(point.y())));
    }
    if (picture.path.contains(point)) {
        return true;
    }
    const int count = picture.path.elementCount();
    for (int i = 0; i < count; ++i) {
        const QPointF a = picture.path.elementAt(i);
        const QPointF b = picture.path.elementAt((i + 1) % count);
        if (distanceToSegment(point, a, b) <= tolerance) {
            return true;
        }
    }
    return false;
}

} // namespace kestrel::widgets
