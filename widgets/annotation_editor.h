#pragma once

#include "annotations/shape.h"
#include "brush_stroke.h"
#include "shape_edit.h"
#include "shape_picture.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include <QColor>
#include <QImage>
#include <QObject>
#include <QPointF>
#include <QRectF>
#include <QSize>
#include <QString>

class QKeyEvent;
class QMouseEvent;
class QPainter;

namespace kestrel::widgets {

class ImageViewer;

enum class AnnotationTool { Select, Box, Polygon, Brush, Eraser, Fill };

struct ClassStyle {
    std::int64_t id = 0;
    QString name;
    QColor color;
};

// The viewer's drawing layer: shows one sample's boxes, polygons and masks over the image
// and turns mouse gestures and a few keys into ShapeEdits. It never changes what it shows
// by itself: every gesture and action ends in editRequested, and the result is drawn as
// pending until setSample() hands the shapes as written. Owned by the ImageViewer, whose
// canvas paints it with the image's zoom and pan and offers it mouse and key events first.
class AnnotationEditor : public QObject {
    Q_OBJECT
public:
    static constexpr double kDuplicateOffset = 10.0; // image pixels
    static constexpr int kDefaultBrushSize = 10;

    explicit AnnotationEditor(ImageViewer* viewer);
    ~AnnotationEditor() override;

    // The committed shapes of a sample, bottom to top. Another sample drops the selection
    // and any gesture; the same one keeps the selection by id and ends the pending edits
    // (the shapes a pending edit added get selected once they come back with their ids).
    void setSample(std::int64_t sampleId, std::vector<annotations::Shape> shapes);
    std::int64_t sampleId() const { return sampleId_; }
    const std::vector<annotations::Shape>& shapes() const { return committed_; }
    // What is drawn: the committed shapes with the pending edits applied.
    std::vector<annotations::Shape> shownShapes() const;
    bool hasPendingEdits() const { return !pending_.empty(); }

    void setClasses(std::vector<ClassStyle> classes);
    void setCurrentClass(std::int64_t classId); // the class of new shapes
    std::int64_t currentClass() const { return currentClass_; }
    void setTool(AnnotationTool tool);
    AnnotationTool tool() const { return tool_; }
    void setOpacity(double opacity); // fills, 0..1; outlines stay opaque
    double opacity() const { return opacity_; }
    void setBrushSize(int pixels); // the brush's diameter in image pixels
    int brushSize() const { return brushSize_; }
    void setShowShapes(bool show); // hidden: nothing drawn, no gesture taken
    bool showsShapes() const { return showShapes_; }

    std::vector<std::int64_t> selectedIds() const { return selection_; }
    void setSelectedIds(std::vector<std::int64_t> ids); // e.g. from a list of shapes
    void clearSelection();

    // Actions on the selection; each emits editRequested (nothing when there is nothing
    // to change) and leaves the committed shapes alone.
    void assignClassToSelection(std::int64_t classId);
    void deleteSelection();
    void duplicateSelection(); // copies kDuplicateOffset right and down, id 0
    void nudgeSelection(double dx, double dy);
    void setSelectionHidden(bool hidden);
    void pasteShapes(std::vector<annotations::Shape> shapes); // copies with id 0

    // For the viewer. Canvas coordinates; true when the editor took the event.
    void paint(QPainter& painter, const QRectF& visibleImageRect) const;
    bool mousePress(QMouseEvent* event);
    bool mouseMove(QMouseEvent* event); // also hover feedback; true while a drag is its own
    bool mouseRelease(QMouseEvent* event);
    bool mouseDoubleClick(QMouseEvent* event);
    bool wantsKey(const QKeyEvent* event) const;
    bool keyPress(QKeyEvent* event);
    Qt::CursorShape cursorAt(const QPointF& canvasPoint) const;
    void cancelGesture(); // the image changed under it

signals:
    void editRequested(const kestrel::widgets::ShapeEdit& edit);
    void selectionChanged();
    void toolChanged(kestrel::widgets::AnnotationTool tool);
    void statusMessage(const QString& text);
    void opacityChanged(double opacity);
    void brushSizeChanged(int pixels);
    void showShapesChanged(bool show);
    void sampleChanged(std::int64_t sampleId); // another sample's shapes (0: none)
    void repaintNeeded();                      // for the viewer's canvas

private:
    // A box's eight resize handles, clockwise from the top-left corner.
    enum Handle { TopLeft, Top, TopRight, Right, BottomRight, Bottom, BottomLeft, Left };

    struct Gesture {
        enum class Kind { None, Move, Resize, Vertex, Box, Polygon, Paint };
        Kind kind = Kind::None;
        QPointF startCanvas;
        QPointF start;   // image coordinates, as every point below
        QPointF current; // where the mouse is
        bool dragged = false;
        int handle = -1; // Resize
        int vertex = -1; // Vertex
        // Resize, Vertex, Paint on an existing mask: the shape as it was, and (Resize,
        // Vertex) what it becomes.
        annotations::Shape original;
        annotations::Shape shape;
        std::vector<QPointF> points;         // Polygon
        std::unique_ptr<BrushStroke> stroke; // Paint
        bool newMask = false;                // Paint
    };

    // annotation_editor.cpp
    void rebuildShown();
    QColor colourOf(std::int64_t classId) const;
    void emitEdit(ShapeEdit edit, bool selectAdded);
    void setSelection(std::vector<std::int64_t> ids);
    bool isSelected(std::int64_t id) const;
    std::vector<const ShapePicture*> selectedPictures() const;
    const ShapePicture* pictureById(std::int64_t id) const;
    // One edit of every selected shape that `change` changes.
    void editSelection(const std::function<void(annotations::Shape&)>& change);
    void resetGesture();
    void repaint() { emit repaintNeeded(); }
    QSize imageSize() const;
    bool active() const; // an image is shown and shapes are on

    // annotation_editor_paint.cpp
    void paintShapes(QPainter& painter, const std::vector<const ShapePicture*>& pictures) const;
    // The fill, or the outline (a mask's border pixels).
    void paintShape(QPainter& painter, const ShapePicture& picture, bool selected,
                    bool outline) const;
    void paintSelectionDecor(QPainter& painter) const;
    void paintGesture(QPainter& painter, const QRectF& visibleImageRect) const;

    // annotation_select_tool.cpp
    bool selectPress(QMouseEvent* event, const QPointF& point);
    void selectMove(const QPointF& canvasPoint, const QPointF& point);
    void selectRelease();
    bool selectDoubleClick(const QPointF& point);
    QPointF moveDelta() const; // of a Move gesture: whole image pixels
    // The shape a Resize, Vertex or Paint gesture draws itself (0: none).
    std::int64_t shapeInGesture() const;
    std::optional<std::size_t> topmostAt(const QPointF& point) const;
    std::optional<std::pair<std::size_t, int>> handleAt(const QPointF& canvasPoint) const;
    std::optional<std::pair<std::size_t, int>> vertexAt(const QPointF& canvasPoint) const;
    void deleteVertex(std::size_t picture, int vertex);
    void updateHover(const QPointF& canvasPoint);

    // annotation_draw_tools.cpp
    bool boxPress(const QPointF& point);
    void boxRelease();
    bool polygonPress(const QPointF& canvasPoint, const QPointF& point);
    void closePolygon();
    bool paintPress(const QPointF& point, bool erase);
    void paintRelease();
    bool fillPress(const QPointF& point);
    std::optional<std::size_t> selectedMask() const;

    // Geometry helpers shared by the tool files.
    double imagePixelsPerScreenPixel() const;
    QPointF toImage(const QPointF& canvasPoint) const;
    QPointF toCanvas(const QPointF& imagePoint) const;
    QPointF clampToImage(const QPointF& point) const;

    ImageViewer* viewer_;
    std::int64_t sampleId_ = 0;
    std::vector<annotations::Shape> committed_;
    std::vector<ShapeEdit> pending_;
    std::vector<ShapePicture> shown_; // committed_ with pending_ applied, bottom to top
    bool selectAddedOnCommit_ = false;

    std::unordered_map<std::int64_t, ClassStyle> classes_;
    std::int64_t currentClass_ = 0;
    AnnotationTool tool_ = AnnotationTool::Select;
    double opacity_ = 0.35;
    int brushSize_ = kDefaultBrushSize;
    bool showShapes_ = true;

    std::vector<std::int64_t> selection_;
    Gesture gesture_;

    // What the cached layer of still shapes was drawn for; version_ counts the changes to
    // the shapes, their styles and the selection.
    struct LayerKey {
        double zoom = 0;
        QPointF origin;
        QSize size;
        double pixelRatio = 1;
        std::uint64_t version = 0;
        std::int64_t inGesture = 0;
        bool moving = false;
        bool operator==(const LayerKey& other) const {
            return zoom == other.zoom && origin == other.origin && size == other.size &&
                   pixelRatio == other.pixelRatio && version == other.version &&
                   inGesture == other.inGesture && moving == other.moving;
        }
    };
    std::uint64_t version_ = 0;
    mutable QImage layer_;
    mutable LayerKey layerKey_;
    std::optional<QPointF> hover_; // image coordinates of the cursor over the canvas
    std::optional<std::pair<std::int64_t, int>> hoveredVertex_; // shape id, vertex
};

} // namespace kestrel::widgets

Q_DECLARE_METATYPE(kestrel::widgets::AnnotationTool)
