// The annotation editor's drawing tools: Box, Polygon, Brush, Eraser and Fill. Each ends
// in one edit that adds a shape or changes the selected mask.
#include "annotation_editor.h"
#include "annotations/rle.h"
#include "image_viewer.h"

#include <cmath>

namespace kestrel::widgets {

namespace {

using annotations::Point;
using annotations::RleMask;
using annotations::Shape;
using annotations::ShapeKind;

constexpr double kMinBoxSide = 2.0;  // image pixels: a smaller box is a slip of the mouse
constexpr double kCloseRadius = 8.0; // screen pixels around a polygon's first vertex
constexpr double kSameVertex = 1.0;  // screen pixels: a click on the last vertex adds none

QPointF roundedToPixel(const QPointF& point) {
    return QPointF(std::round(point.x()), std::round(point.y()));
}

QPointF roundedToHundredth(const QPointF& point) {
    return QPointF(std::round(point.x() * 100.0) / 100.0, std::round(point.y() * 100.0) / 100.0);
}

} // namespace

bool AnnotationEditor::boxPress(const QPointF& point) {
    gesture_ = Gesture{};
    gesture_.kind = Gesture::Kind::Box;
    gesture_.start = roundedToPixel(clampToImage(point));
    gesture_.current = gesture_.start;
    repaint();
    return true;
}

void AnnotationEditor::boxRelease() {
    const QRectF rect = QRectF(gesture_.start, gesture_.current).normalized();
    resetGesture();
    if (rect.width() < kMinBoxSide || rect.height() < kMinBoxSide) {
        return;
    }
    Shape shape;
    shape.kind = ShapeKind::Box;
    shape.classId = currentClass_;
    shape.box = {rect.x(), rect.y(), rect.width(), rect.height()};
    emitEdit(ShapeEdit{0, {}, {shape}}, true);
}

bool AnnotationEditor::polygonPress(const QPointF& canvasPoint, const QPointF& point) {
    const QPointF vertex = roundedToHundredth(clampToImage(point));
    if (gesture_.kind != Gesture::Kind::Polygon) {
        gesture_ = Gesture{};
        gesture_.kind = Gesture::Kind::Polygon;
        gesture_.points = {vertex};
        repaint();
        return true;
    }
    const auto near = [&](const QPointF& imagePoint, double radius) {
        const QPointF d = toCanvas(imagePoint) - canvasPoint;
        return std::hypot(d.x(), d.y()) <= radius;
    };
    if (gesture_.points.size() >= 3 && near(gesture_.points.front(), kCloseRadius)) {
        closePolygon();
    } else if (!near(gesture_.points.back(), kSameVertex)) {
        gesture_.points.push_back(vertex);
        repaint();
    }
    return true;
}

void AnnotationEditor::closePolygon() {
    if (gesture_.points.size() < 3) {
        emit statusMessage(tr("A polygon needs at least 3 vertices."));
        return;
    }
    Shape shape;
    shape.kind = ShapeKind::Polygon;
    shape.classId = currentClass_;
    for (const QPointF& point : gesture_.points) {
        shape.points.push_back(Point{point.x(), point.y()});
    }
    resetGesture();
    emitEdit(ShapeEdit{0, {}, {shape}}, true);
}

std::optional<std::size_t> AnnotationEditor::selectedMask() const {
    for (std::size_t i = shown_.size(); i-- > 0;) {
        const Shape& shape = shown_[i].shape;
        if (shape.kind == ShapeKind::Mask && !shape.hidden && shape.maskFile.empty() &&
            isSelected(shape.id)) {
            return i;
        }
    }
    return std::nullopt;
}

bool AnnotationEditor::paintPress(const QPointF& point, bool erase) {
    const auto mask = selectedMask();
    if (erase && !mask) {
        emit statusMessage(tr("Select a mask to erase from."));
        return true;
    }
    gesture_ = Gesture{};
    gesture_.kind = Gesture::Kind::Paint;
    gesture_.start = point;
    gesture_.current = point;
    gesture_.newMask = !mask;
    QColor colour = colourOf(currentClass_);
    const MaskPicture none;
    const MaskPicture& startPicture = mask ? shown_[*mask].mask : none;
    if (mask) {
        gesture_.original = shown_[*mask].shape;
        colour = shown_[*mask].color;
    }
    gesture_.stroke = std::make_unique<BrushStroke>(gesture_.original.mask, startPicture,
                                                    imageSize(), colour, erase, double(brushSize_));
    gesture_.stroke->addSegment(point, point);
    repaint();
    return true;
}

void AnnotationEditor::paintRelease() {
    const bool changed = gesture_.stroke->changed();
    const bool newMask = gesture_.newMask;
    const Shape original = gesture_.original;
    const RleMask mask = changed ? gesture_.stroke->result() : RleMask{};
    resetGesture();
    if (!changed) {
        return;
    }
    const bool empty = annotations::maskArea(mask) == 0;
    if (newMask) {
        if (empty) {
            return;
        }
        Shape shape;
        shape.kind = ShapeKind::Mask;
        shape.classId = currentClass_;
        shape.mask = mask;
        emitEdit(ShapeEdit{0, {}, {shape}}, true);
        return;
    }
    if (empty) { // all of it erased: the shape goes
        emitEdit(ShapeEdit{0, {original}, {}}, false);
        return;
    }
    Shape after = original;
    after.mask = mask;
    emitEdit(ShapeEdit{0, {original}, {after}}, false);
}

bool AnnotationEditor::fillPress(const QPointF& point) {
    const QSize size = imageSize();
    const int x = int(std::floor(point.x()));
    const int y = int(std::floor(point.y()));
    if (x < 0 || y < 0 || x >= size.width() || y >= size.height()) {
        return true;
    }
    const auto mask = selectedMask();
    if (!mask) {
        // On a new, empty mask the region around any pixel is the whole image.
        const RleMask empty{size.width(),
                            size.height(),
                            {std::uint32_t(size.width()) * std::uint32_t(size.height())}};
        const RleMask filled = annotations::fillRegion(empty, x, y);
        if (annotations::maskArea(filled) >= std::uint64_t(size.width()) * size.height()) {
            emit statusMessage(tr("Fill needs a selected mask with a closed outline"));
            return true;
        }
        Shape shape;
        shape.kind = ShapeKind::Mask;
        shape.classId = currentClass_;
        shape.mask = filled;
        emitEdit(ShapeEdit{0, {}, {shape}}, true);
        return true;
    }
    const Shape& original = shown_[*mask].shape;
    Shape after = original;
    after.mask = annotations::fillRegion(original.mask, x, y);
    if (!(after.mask == original.mask)) {
        emitEdit(ShapeEdit{0, {original}, {after}}, false);
    }
    return true;
}

} // namespace kestrel::widgets
