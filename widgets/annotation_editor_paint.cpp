// How the annotation editor draws: every shape from its cached picture in image
// coordinates under one painter transform, then the selection's handles and the gesture in
// progress in screen coordinates.
#include "annotation_editor.h"
#include "image_viewer.h"

#include <algorithm>
#include <cmath>

#include <QPainter>
#include <QPen>

namespace kestrel::widgets {

namespace {

using annotations::ShapeKind;

constexpr double kOutlineWidth = 1.0; // screen pixels, at any zoom (see paintShape)
constexpr double kSelectedOutlineWidth = 3.0;
constexpr double kHandleSize = 7.0;
constexpr double kVertexSize = 6.0;
// The stroke being painted stays visible even when fills are turned down to nothing.
constexpr double kMinStrokeOpacity = 0.5;
// Class names are drawn for the selected shapes only, and not for a selection this large.
constexpr std::size_t kMaxLabelledShapes = 50;

QPen outlinePen(const QColor& colour, double width, Qt::PenStyle style = Qt::SolidLine) {
    QPen pen(colour, width, style);
    pen.setCosmetic(true); // the width is in screen pixels whatever the transform
    return pen;
}

void drawMarker(QPainter& painter, const QPointF& centre, double size, const QColor& fill) {
    painter.setPen(QPen(Qt::black, 1.0));
    painter.setBrush(fill);
    painter.drawRect(QRectF(centre.x() - size / 2, centre.y() - size / 2, size, size));
}

} // namespace

void AnnotationEditor::paint(QPainter& painter, const QRectF& visibleImageRect) const {
    if (!showShapes_ || viewer_->image().isNull()) {
        return;
    }
    const double zoom = viewer_->zoom();
    const QPointF origin = toCanvas(QPointF(0, 0));
    const QTransform imageToCanvas(zoom, 0, 0, zoom, origin.x(), origin.y());
    const bool moving = gesture_.kind == Gesture::Kind::Move && gesture_.dragged;
    const std::int64_t inGesture = shapeInGesture();
    // One pixel of slack: a box or polygon of zero width still has an outline to draw.
    const QRectF visible = visibleImageRect.adjusted(-1, -1, 1, 1);

    // The shapes that stay put during a gesture are drawn once into a layer of the canvas's
    // size and blitted after that: a brush stroke or a drag over a thousand shapes then
    // costs one image draw per mouse move, not a thousand shapes.
    const QPaintDevice* device = painter.device();
    const LayerKey key{zoom,
                       origin,
                       QSize(device->width(), device->height()),
                       device->devicePixelRatioF(),
                       version_,
                       inGesture,
                       moving};
    if (layer_.isNull() || !(key == layerKey_)) {
        layer_ = QImage((QSizeF(key.size) * key.pixelRatio).toSize(),
                        QImage::Format_ARGB32_Premultiplied);
        layer_.setDevicePixelRatio(key.pixelRatio);
        layer_.fill(Qt::transparent);
        QPainter layerPainter(&layer_);
        layerPainter.setTransform(imageToCanvas);
        std::vector<const ShapePicture*> still;
        still.reserve(shown_.size());
        for (const ShapePicture& picture : shown_) {
            const bool live = (inGesture != 0 && picture.shape.id == inGesture) ||
                              (moving && isSelected(picture.shape.id));
            if (!picture.shape.hidden && !live && picture.bounds.intersects(visible)) {
                still.push_back(&picture);
            }
        }
        paintShapes(layerPainter, still);
        layerKey_ = key;
    }
    painter.drawImage(QPointF(0, 0), layer_);

    painter.save();
    painter.setTransform(imageToCanvas);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false); // crisp mask pixels
    if (moving) {
        std::vector<const ShapePicture*> moved;
        for (const ShapePicture& picture : shown_) {
            if (!picture.shape.hidden && isSelected(picture.shape.id)) {
                moved.push_back(&picture);
            }
        }
        painter.translate(moveDelta());
        paintShapes(painter, moved);
        painter.translate(-moveDelta());
    }
    painter.setRenderHint(QPainter::Antialiasing, true);
    paintGesture(painter, visibleImageRect);
    painter.restore();
    paintSelectionDecor(painter);
}

void AnnotationEditor::paintShapes(QPainter& painter,
                                   const std::vector<const ShapePicture*>& pictures) const {
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false); // crisp mask pixels
    // Fills first, all of them, so that every outline stays readable on top. Antialiased
    // fills cost several times more with a thousand polygons, and a fill needs no smooth
    // edge under its outline.
    for (const bool outlines : {false, true}) {
        painter.setRenderHint(QPainter::Antialiasing, false);
        for (const ShapePicture* picture : pictures) {
            paintShape(painter, *picture, isSelected(picture->shape.id), outlines);
        }
    }
}

void AnnotationEditor::paintShape(QPainter& painter, const ShapePicture& picture, bool selected,
                                  bool outline) const {
    if (picture.shape.kind == ShapeKind::Mask) {
        if (picture.mask.isEmpty()) {
            return;
        }
        if (!outline) {
            painter.setOpacity(opacity_);
            painter.drawImage(picture.mask.origin, picture.mask.fill);
            painter.setOpacity(1.0);
            return;
        }
        painter.drawImage(picture.mask.origin, picture.mask.edge);
        if (selected) {
            painter.setPen(outlinePen(Qt::white, 1.0, Qt::DashLine));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(picture.bounds);
        }
        return;
    }
    if (!outline) {
        if (opacity_ > 0) {
            QColor fill = picture.color;
            fill.setAlphaF(float(opacity_));
            painter.fillPath(picture.path, fill);
        }
        return;
    }
    // A cosmetic pen one pixel wide takes the raster engine's fast path; a box's edges are
    // straight, so only polygons pay for antialiasing.
    const bool smooth = picture.shape.kind == ShapeKind::Polygon;
    if (painter.testRenderHint(QPainter::Antialiasing) != smooth) {
        painter.setRenderHint(QPainter::Antialiasing, smooth);
    }
    painter.setPen(outlinePen(picture.color, selected ? kSelectedOutlineWidth : kOutlineWidth));
    painter.setBrush(Qt::NoBrush);
    painter.drawPath(picture.path);
}

void AnnotationEditor::paintGesture(QPainter& painter, const QRectF& visibleImageRect) const {
    const QColor colour = colourOf(currentClass_);
    switch (gesture_.kind) {
    case Gesture::Kind::Box: {
        QColor fill = colour;
        fill.setAlphaF(float(opacity_));
        painter.setPen(outlinePen(colour, kOutlineWidth, Qt::DashLine));
        painter.setBrush(fill);
        painter.drawRect(QRectF(gesture_.start, gesture_.current).normalized());
        break;
    }
    case Gesture::Kind::Polygon: {
        painter.setPen(outlinePen(colour, kOutlineWidth));
        painter.setBrush(Qt::NoBrush);
        QPolygonF line;
        for (const QPointF& point : gesture_.points) {
            line << point;
        }
        if (hover_) {
            line << *hover_; // the edge the next click would add
        }
        painter.drawPolyline(line);
        break;
    }
    case Gesture::Kind::Resize:
    case Gesture::Kind::Vertex: {
        const ShapePicture* picture = pictureById(gesture_.original.id);
        const QColor shapeColour = picture ? picture->color : colour;
        QColor fill = shapeColour;
        fill.setAlphaF(float(opacity_));
        painter.setPen(outlinePen(shapeColour, kSelectedOutlineWidth));
        painter.setBrush(fill);
        painter.drawPath(pathOf(gesture_.shape));
        break;
    }
    case Gesture::Kind::Paint: {
        const QRect covered = gesture_.stroke->pictureRect();
        const QRect visible = visibleImageRect.toAlignedRect().intersected(
            gesture_.stroke->extent().intersected(covered));
        painter.setOpacity(std::max(opacity_, kMinStrokeOpacity));
        painter.drawImage(visible.topLeft(), gesture_.stroke->picture(),
                          visible.translated(-covered.topLeft()));
        painter.setOpacity(1.0);
        break;
    }
    case Gesture::Kind::None:
    case Gesture::Kind::Move:
        break;
    }
}

void AnnotationEditor::paintSelectionDecor(QPainter& painter) const {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    const bool moving = gesture_.kind == Gesture::Kind::Move && gesture_.dragged;
    const std::vector<const ShapePicture*> selected = selectedPictures();
    for (const ShapePicture* picture : selected) {
        if (picture->shape.hidden || moving) {
            continue;
        }
        const bool inGesture = picture->shape.id == shapeInGesture();
        const annotations::Shape& shape = inGesture ? gesture_.shape : picture->shape;
        if (shape.kind == ShapeKind::Box) {
            for (const QPointF& handle : boxHandles(shape.box)) {
                drawMarker(painter, toCanvas(handle), kHandleSize, Qt::white);
            }
        } else if (shape.kind == ShapeKind::Polygon) {
            for (std::size_t i = 0; i < shape.points.size(); ++i) {
                const bool hovered = hoveredVertex_ && hoveredVertex_->first == shape.id &&
                                     hoveredVertex_->second == int(i);
                drawMarker(painter, toCanvas(QPointF(shape.points[i].x, shape.points[i].y)),
                           hovered ? kVertexSize + 3 : kVertexSize,
                           hovered ? QColor(Qt::yellow) : QColor(Qt::white));
            }
        }
    }
    if (selected.size() <= kMaxLabelledShapes) {
        for (const ShapePicture* picture : selected) {
            const auto found = classes_.find(picture->shape.classId);
            if (picture->shape.hidden || found == classes_.end() || picture->bounds.isNull()) {
                continue;
            }
            const QPointF corner =
                toCanvas(picture->bounds.topLeft() + (moving ? moveDelta() : QPointF()));
            painter.setPen(Qt::white);
            painter.drawText(corner + QPointF(2, -4), found->second.name);
        }
    }
    if (gesture_.kind == Gesture::Kind::Polygon) {
        for (std::size_t i = 0; i < gesture_.points.size(); ++i) {
            // The first vertex is where a click closes the polygon.
            const bool closes = i == 0 && gesture_.points.size() >= 3;
            drawMarker(painter, toCanvas(gesture_.points[i]),
                       closes ? kVertexSize + 4 : kVertexSize,
                       closes ? QColor(Qt::yellow) : QColor(Qt::white));
        }
    }
    if ((tool_ == AnnotationTool::Brush || tool_ == AnnotationTool::Eraser) && hover_) {
        painter.setRenderHint(QPainter::Antialiasing, true);
        painter.setPen(QPen(Qt::white, 1.0));
        painter.setBrush(Qt::NoBrush);
        const double radius = brushSize_ / 2.0 * viewer_->zoom();
        painter.drawEllipse(toCanvas(*hover_), radius, radius);
    }
    painter.restore();
}

} // namespace kestrel::widgets
