// Which mouse and key events the annotation editor takes from the viewer, and the cursor it
// asks for; the tools themselves are in annotation_select_tool.cpp and
// annotation_draw_tools.cpp.
#include "annotation_editor.h"

#include <cmath>

#include <QKeyEvent>
#include <QMouseEvent>

namespace kestrel::widgets {

namespace {

constexpr double kNudgeStep = 1.0;       // image pixels per arrow key
constexpr double kShiftNudgeStep = 10.0; // with Shift

bool isDrawingTool(AnnotationTool tool) {
    return tool != AnnotationTool::Select;
}

} // namespace

bool AnnotationEditor::mousePress(QMouseEvent* event) {
    if (!active() || event->button() != Qt::LeftButton) {
        return false;
    }
    const QPointF point = toImage(event->position());
    hover_ = point;
    switch (tool_) {
    case AnnotationTool::Select:
        return selectPress(event, point);
    case AnnotationTool::Box:
        return boxPress(point);
    case AnnotationTool::Polygon:
        return polygonPress(event->position(), point);
    case AnnotationTool::Brush:
        return paintPress(point, false);
    case AnnotationTool::Eraser:
        return paintPress(point, true);
    case AnnotationTool::Fill:
        return fillPress(point);
    }
    return false;
}

bool AnnotationEditor::mouseMove(QMouseEvent* event) {
    if (!active()) {
        return false;
    }
    const QPointF point = toImage(event->position());
    hover_ = point;
    switch (gesture_.kind) {
    case Gesture::Kind::Move:
    case Gesture::Kind::Resize:
    case Gesture::Kind::Vertex:
        selectMove(event->position(), point);
        return true;
    case Gesture::Kind::Box:
        gesture_.current = clampToImage(point);
        gesture_.current =
            QPointF(std::round(gesture_.current.x()), std::round(gesture_.current.y()));
        repaint();
        return true;
    case Gesture::Kind::Paint:
        gesture_.stroke->addSegment(gesture_.current, point);
        gesture_.current = point;
        repaint();
        return true;
    case Gesture::Kind::Polygon:
        repaint(); // the edge to the cursor follows it
        return false;
    case Gesture::Kind::None:
        break;
    }
    updateHover(event->position());
    if (tool_ == AnnotationTool::Brush || tool_ == AnnotationTool::Eraser) {
        repaint(); // the brush outline follows the cursor
    }
    return false;
}

bool AnnotationEditor::mouseRelease(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) {
        return false;
    }
    switch (gesture_.kind) {
    case Gesture::Kind::Move:
    case Gesture::Kind::Resize:
    case Gesture::Kind::Vertex:
        selectRelease();
        return true;
    case Gesture::Kind::Box:
        boxRelease();
        return true;
    case Gesture::Kind::Paint:
        paintRelease();
        return true;
    case Gesture::Kind::Polygon:
        return true; // vertices come with presses
    case Gesture::Kind::None:
        break;
    }
    return false;
}

bool AnnotationEditor::mouseDoubleClick(QMouseEvent* event) {
    if (!active() || event->button() != Qt::LeftButton) {
        return false;
    }
    if (tool_ == AnnotationTool::Polygon && gesture_.kind == Gesture::Kind::Polygon) {
        closePolygon(); // the double-click's first press placed the last vertex
        return true;
    }
    if (tool_ == AnnotationTool::Select) {
        return selectDoubleClick(toImage(event->position()));
    }
    return false;
}

bool AnnotationEditor::wantsKey(const QKeyEvent* event) const {
    if (!active()) {
        return false;
    }
    const Qt::KeyboardModifiers modifiers = event->modifiers() & ~Qt::KeypadModifier;
    const bool plain = modifiers == Qt::NoModifier;
    const bool polygon = gesture_.kind == Gesture::Kind::Polygon;
    switch (event->key()) {
    case Qt::Key_Escape:
        return plain && (gesture_.kind != Gesture::Kind::None || !selection_.empty());
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Backspace:
        return plain && polygon;
    case Qt::Key_Delete:
        return plain && (!selection_.empty() || hoveredVertex_.has_value());
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Up:
    case Qt::Key_Down:
        // Without a selection the arrows stay the viewer's: next and previous sample.
        return (plain || modifiers == Qt::ShiftModifier) && !selection_.empty() &&
               gesture_.kind == Gesture::Kind::None;
    default:
        return false;
    }
}

bool AnnotationEditor::keyPress(QKeyEvent* event) {
    if (!wantsKey(event)) {
        return false;
    }
    const double step =
        event->modifiers().testFlag(Qt::ShiftModifier) ? kShiftNudgeStep : kNudgeStep;
    switch (event->key()) {
    case Qt::Key_Escape:
        if (gesture_.kind != Gesture::Kind::None) {
            resetGesture();
        } else {
            clearSelection();
        }
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        closePolygon();
        break;
    case Qt::Key_Backspace:
        gesture_.points.pop_back();
        if (gesture_.points.empty()) {
            resetGesture();
        }
        repaint();
        break;
    case Qt::Key_Delete:
        if (hoveredVertex_) {
            const auto [id, vertex] = *hoveredVertex_;
            for (std::size_t i = 0; i < shown_.size(); ++i) {
                if (shown_[i].shape.id == id) {
                    deleteVertex(i, vertex);
                    break;
                }
            }
        } else {
            deleteSelection();
        }
        break;
    case Qt::Key_Left:
        nudgeSelection(-step, 0);
        break;
    case Qt::Key_Right:
        nudgeSelection(step, 0);
        break;
    case Qt::Key_Up:
        nudgeSelection(0, -step);
        break;
    case Qt::Key_Down:
        nudgeSelection(0, step);
        break;
    default:
        return false;
    }
    return true;
}

Qt::CursorShape AnnotationEditor::cursorAt(const QPointF& canvasPoint) const {
    if (!active()) {
        return Qt::ArrowCursor;
    }
    if (isDrawingTool(tool_)) {
        return Qt::CrossCursor;
    }
    if (gesture_.kind == Gesture::Kind::Move && gesture_.dragged) {
        return Qt::SizeAllCursor;
    }
    if (const auto handle = handleAt(canvasPoint)) {
        switch (handle->second) {
        case TopLeft:
        case BottomRight:
            return Qt::SizeFDiagCursor;
        case TopRight:
        case BottomLeft:
            return Qt::SizeBDiagCursor;
        case Top:
        case Bottom:
            return Qt::SizeVerCursor;
        default:
            return Qt::SizeHorCursor;
        }
    }
    if (vertexAt(canvasPoint)) {
        return Qt::PointingHandCursor;
    }
    if (const auto hit = topmostAt(toImage(canvasPoint))) {
        return isSelected(shown_[*hit].shape.id) ? Qt::SizeAllCursor : Qt::PointingHandCursor;
    }
    return Qt::ArrowCursor;
}

} // namespace kestrel::widgets
