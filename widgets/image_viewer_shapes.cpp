// The viewer's annotation layer: its editor, the tool strip, the shapes row and the cursor it
// asks for; the rest of ImageViewer is in image_viewer.cpp and image_viewer_overlay.cpp.
#include "annotation_editor.h"
#include "image_viewer.h"
#include "shape_tool_strip.h"
#include "shapes_bar.h"

#include <QMouseEvent>

namespace kestrel::widgets {

QWidget* ImageViewer::createShapeTools() {
    annotations_ = new AnnotationEditor(this);
    connect(annotations_, &AnnotationEditor::repaintNeeded, this, &ImageViewer::updateCanvas);
    connect(annotations_, &AnnotationEditor::toolChanged, this, &ImageViewer::updateCanvasCursor);
    connect(annotations_, &AnnotationEditor::selectionChanged, this,
            &ImageViewer::updateCanvasCursor);
    shapeTools_ = new ShapeToolStrip(annotations_);
    return shapeTools_;
}

QWidget* ImageViewer::createShapesBar() {
    shapesBar_ = new ShapesBar(annotations_);
    return shapesBar_;
}

void ImageViewer::canvasDoubleClick(QMouseEvent* event) {
    cursor_ = event->position();
    if (annotations_->mouseDoubleClick(event)) {
        updateCanvasCursor();
        event->accept();
        return;
    }
    canvasMousePress(event); // as QWidget's own double-click handling does
}

void ImageViewer::updateCanvasCursor() {
    if (dragging_) {
        return; // the closed hand of a pan stays until the button is up
    }
    const Qt::CursorShape shape =
        cursor_ ? annotations_->cursorAt(*cursor_) : annotations_->cursorAt(QPointF(-1, -1));
    if (shape == Qt::ArrowCursor) {
        canvasWidget()->unsetCursor();
    } else {
        canvasWidget()->setCursor(shape);
    }
}

} // namespace kestrel::widgets
