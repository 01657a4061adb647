// The annotation editor's Select tool: picking shapes, moving the selection, resizing a box
// by its handles and editing a polygon's vertices.
#include "annotation_editor.h"
#include "image_viewer.h"

#include <algorithm>
#include <cmath>

#include <QMouseEvent>

namespace kestrel::widgets {

namespace {

using annotations::Box;
using annotations::Point;
using annotations::Shape;
using annotations::ShapeKind;

constexpr double kGrabRadius = 6.0;   // screen pixels around a handle or vertex
constexpr double kHitTolerance = 4.0; // screen pixels around a box's or polygon's outline
constexpr double kDragStart = 3.0;    // screen pixels before a press becomes a drag

double distance(const QPointF& a, const QPointF& b) {
    return std::hypot(a.x() - b.x(), a.y() - b.y());
}

// Sub-pixel vertices are kept, but not to a precision nobody placed them with.
Point roundedPoint(const QPointF& point) {
    return Point{std::round(point.x() * 100.0) / 100.0, std::round(point.y() * 100.0) / 100.0};
}

// The box with the handle dragged to `to` (whole pixels), never under 1 pixel either way.
Box resizedBox(const Box& box, int handle, const QPointF& to, QSize image) {
    const double x = std::round(to.x());
    const double y = std::round(to.y());
    double left = box.x;
    double top = box.y;
    double right = box.right();
    double bottom = box.bottom();
    const bool movesLeft = handle == 0 || handle == 6 || handle == 7;
    const bool movesRight = handle == 2 || handle == 3 || handle == 4;
    const bool movesTop = handle == 0 || handle == 1 || handle == 2;
    const bool movesBottom = handle == 4 || handle == 5 || handle == 6;
    if (movesLeft) {
        left = x;
    } else if (movesRight) {
        right = x;
    }
    if (movesTop) {
        top = y;
    } else if (movesBottom) {
        bottom = y;
    }
    if (left > right) {
        std::swap(left, right);
    }
    if (top > bottom) {
        std::swap(top, bottom);
    }
    const auto keepOnePixel = [](double& low, double& high, bool movesLow, double size) {
        if (high - low < 1.0) {
            (movesLow ? low : high) = movesLow ? high - 1.0 : low + 1.0;
        }
        if (low < 0) {
            low = 0;
            high = std::max(high, 1.0);
        }
        if (high > size) {
            high = size;
            low = std::min(low, size - 1.0);
        }
    };
    keepOnePixel(left, right, movesLeft, image.width());
    keepOnePixel(top, bottom, movesTop, image.height());
    return Box{left, top, right - left, bottom - top};
}

} // namespace

QPointF AnnotationEditor::moveDelta() const {
    const QPointF delta = gesture_.current - gesture_.start;
    return QPointF(std::round(delta.x()), std::round(delta.y()));
}

std::int64_t AnnotationEditor::shapeInGesture() const {
    switch (gesture_.kind) {
    case Gesture::Kind::Resize:
    case Gesture::Kind::Vertex:
    case Gesture::Kind::Paint:
        return gesture_.original.id;
    default:
        return 0;
    }
}

std::optional<std::size_t> AnnotationEditor::topmostAt(const QPointF& point) const {
    const double tolerance = kHitTolerance * imagePixelsPerScreenPixel();
    for (std::size_t i = shown_.size(); i-- > 0;) {
        const ShapePicture& picture = shown_[i];
        // Shapes not stored yet (id 0) cannot be selected until they come back with ids.
        if (!picture.shape.hidden && picture.shape.id != 0 &&
            pictureHits(picture, point, tolerance)) {
            return i;
        }
    }
    return std::nullopt;
}

std::optional<std::pair<std::size_t, int>>
AnnotationEditor::handleAt(const QPointF& canvasPoint) const {
    for (std::size_t i = shown_.size(); i-- > 0;) {
        const Shape& shape = shown_[i].shape;
        if (shape.kind != ShapeKind::Box || shape.hidden || !isSelected(shape.id)) {
            continue;
        }
        const auto handles = boxHandles(shape.box);
        for (int h = 0; h < int(handles.size()); ++h) {
            if (distance(toCanvas(handles[std::size_t(h)]), canvasPoint) <= kGrabRadius) {
                return std::make_pair(i, h);
            }
        }
    }
    return std::nullopt;
}

std::optional<std::pair<std::size_t, int>>
AnnotationEditor::vertexAt(const QPointF& canvasPoint) const {
    for (std::size_t i = shown_.size(); i-- > 0;) {
        const Shape& shape = shown_[i].shape;
        if (shape.kind != ShapeKind::Polygon || shape.hidden || !isSelected(shape.id)) {
            continue;
        }
        for (std::size_t v = 0; v < shape.points.size(); ++v) {
            const QPointF vertex(shape.points[v].x, shape.points[v].y);
            if (distance(toCanvas(vertex), canvasPoint) <= kGrabRadius) {
                return std::make_pair(i, int(v));
            }
        }
    }
    return std::nullopt;
}

bool AnnotationEditor::selectPress(QMouseEvent* event, const QPointF& point) {
    const QPointF canvasPoint = event->position();
    const bool shift = event->modifiers().testFlag(Qt::ShiftModifier);
    const auto begin = [&](Gesture::Kind kind) {
        gesture_ = Gesture{};
        gesture_.kind = kind;
        gesture_.startCanvas = canvasPoint;
        gesture_.start = point;
        gesture_.current = point;
    };
    if (!shift) {
        if (const auto handle = handleAt(canvasPoint)) {
            begin(Gesture::Kind::Resize);
            gesture_.handle = handle->second;
            gesture_.original = shown_[handle->first].shape;
            gesture_.shape = gesture_.original;
            return true;
        }
        if (const auto vertex = vertexAt(canvasPoint)) {
            if (event->modifiers().testFlag(Qt::AltModifier)) {
                deleteVertex(vertex->first, vertex->second);
                return true;
            }
            begin(Gesture::Kind::Vertex);
            gesture_.vertex = vertex->second;
            gesture_.original = shown_[vertex->first].shape;
            gesture_.shape = gesture_.original;
            return true;
        }
    }
    const auto hit = topmostAt(point);
    if (!hit) {
        if (!shift) {
            clearSelection();
        }
        return false; // the viewer pans
    }
    const std::int64_t id = shown_[*hit].shape.id;
    if (!isSelected(id)) {
        std::vector<std::int64_t> selection = shift ? selection_ : std::vector<std::int64_t>{};
        selection.push_back(id);
        setSelection(std::move(selection));
    }
    begin(Gesture::Kind::Move);
    return true;
}

void AnnotationEditor::selectMove(const QPointF& canvasPoint, const QPointF& point) {
    gesture_.current = point;
    if (!gesture_.dragged && distance(canvasPoint, gesture_.startCanvas) < kDragStart) {
        return;
    }
    gesture_.dragged = true;
    if (gesture_.kind == Gesture::Kind::Resize) {
        gesture_.shape.box =
            resizedBox(gesture_.original.box, gesture_.handle, clampToImage(point), imageSize());
    } else if (gesture_.kind == Gesture::Kind::Vertex) {
        gesture_.shape.points[std::size_t(gesture_.vertex)] = roundedPoint(clampToImage(point));
    }
    repaint();
}

void AnnotationEditor::selectRelease() {
    const Gesture::Kind kind = gesture_.kind;
    const bool dragged = gesture_.dragged;
    const QPointF delta = moveDelta();
    const Shape original = gesture_.original;
    const Shape changed = gesture_.shape;
    resetGesture();
    if (!dragged) {
        return;
    }
    ShapeEdit edit;
    if (kind == Gesture::Kind::Move) {
        if (delta.isNull()) {
            return;
        }
        for (const ShapePicture* picture : selectedPictures()) {
            if (picture->shape.hidden || !picture->shape.maskFile.empty()) {
                continue;
            }
            Shape moved = picture->shape;
            annotations::translate(moved, delta.x(), delta.y());
            edit.before.push_back(picture->shape);
            edit.after.push_back(std::move(moved));
        }
    } else if (!sameGeometry(original, changed)) {
        edit.before.push_back(original);
        edit.after.push_back(changed);
    }
    emitEdit(std::move(edit), false);
}

bool AnnotationEditor::selectDoubleClick(const QPointF& point) {
    const double tolerance = kGrabRadius * imagePixelsPerScreenPixel();
    for (std::size_t i = shown_.size(); i-- > 0;) {
        const Shape& shape = shown_[i].shape;
        if (shape.kind != ShapeKind::Polygon || shape.hidden || !isSelected(shape.id)) {
            continue;
        }
        const std::size_t count = shape.points.size();
        for (std::size_t v = 0; v < count; ++v) {
            const QPointF a(shape.points[v].x, shape.points[v].y);
            const QPointF b(shape.points[(v + 1) % count].x, shape.points[(v + 1) % count].y);
            if (distanceToSegment(point, a, b) > tolerance) {
                continue;
            }
            // The new vertex goes on the edge, where the cursor is nearest to it.
            const QPointF ab = b - a;
            const double lengthSquared = QPointF::dotProduct(ab, ab);
            const double t =
                lengthSquared > 0
                    ? std::clamp(QPointF::dotProduct(point - a, ab) / lengthSquared, 0.0, 1.0)
                    : 0.0;
            Shape after = shape;
            after.points.insert(after.points.begin() + std::ptrdiff_t(v + 1),
                                roundedPoint(a + t * ab));
            resetGesture(); // the first click of the two began a move that did not move
            emitEdit(ShapeEdit{0, {shape}, {after}}, false);
            return true;
        }
    }
    return false;
}

void AnnotationEditor::deleteVertex(std::size_t picture, int vertex) {
    const Shape& shape = shown_[picture].shape;
    if (shape.points.size() <= 3) {
        emit statusMessage(tr("A polygon keeps at least 3 vertices."));
        return;
    }
    Shape after = shape;
    after.points.erase(after.points.begin() + vertex);
    hoveredVertex_.reset();
    emitEdit(ShapeEdit{0, {shape}, {after}}, false);
}

void AnnotationEditor::updateHover(const QPointF& canvasPoint) {
    std::optional<std::pair<std::int64_t, int>> hovered;
    if (tool_ == AnnotationTool::Select) {
        if (const auto vertex = vertexAt(canvasPoint)) {
            hovered = std::make_pair(shown_[vertex->first].shape.id, vertex->second);
        }
    }
    if (hovered != hoveredVertex_) {
        hoveredVertex_ = hovered;
        repaint();
    }
}

} // namespace kestrel::widgets
