#pragma once

#include "predicted_box.h"

#include <optional>

#include <QColor>
#include <QImage>
#include <QPoint>
#include <QPointF>
#include <QString>
#include <QWidget>

class QLabel;
class QKeyEvent;
class QMouseEvent;
class QPainter;
class QWheelEvent;

namespace kestrel::widgets {

class AnnotationEditor;
class SaliencyBar;
class ShapesBar;
class ShapeToolStrip;

// Shows one defect image (8-bit gray or RGB) for inspection: fit to window or zoomed with
// the wheel up to crisp, pixel-by-pixel views, panned by dragging, with the value of the
// pixel under the cursor in a footer. It is handed decoded QImages and never touches files.
// Arrow keys ask for the next or previous sample; every other shortcut belongs to the window.
// Its annotations() layer draws the sample's shapes over the image and takes the mouse and
// a few keys first when a tool wants them; the left (or middle) button pans otherwise.
class ImageViewer : public QWidget {
    Q_OBJECT
public:
    static constexpr double kMinZoom = 0.02;
    static constexpr double kMaxZoom = 64.0;
    static constexpr double kZoomStep = 1.25;

    explicit ImageViewer(QWidget* parent = nullptr);

    // Shows the image; keeps "fit to window" mode if it was on (the default), else keeps
    // the zoom and centres the image.
    void setImage(const QImage& image);
    // Drops the image and shows the text centred instead ("Loading…", an error, …).
    void showMessage(const QString& text);
    // A badge over the image's top-left corner, filled with color; empty text: no badge.
    void setCaption(const QString& text, const QColor& color);

    // A heat map drawn over the image with the same zoom and pan, at overlayOpacity().
    // Format_Grayscale8 (0 cold, 255 hot) is coloured here (colourHeatMap); other formats
    // are drawn as they are. A map of another size is stretched to the image's. setImage()
    // and showMessage() drop it, as it belonged to the previous sample: set it after them.
    // Ignored while no image is shown.
    void setOverlay(const QImage& heat);
    // Drops the map and the status text that described it.
    void clearOverlay();
    bool hasOverlay() const { return !overlay_.isNull(); }
    // 0 (image alone) to 1 (map alone), in steps of 1 %; the opacity slider shows it.
    void setOverlayOpacity(double opacity);
    double overlayOpacity() const;

    // The Grad-CAM row ("saliencyBar"): off and disabled with `reason` as its tooltip (no
    // trained run), or enabled. The window computes the maps: saliencyRequested(true) when
    // the button is checked, and again for each new image while isSaliencyOn().
    void setSaliencyAvailable(bool available, const QString& reason = {});
    // Whether the maps are Grad-CAM (a classifier) or anomaly maps (an anomaly detector).
    void setAnomalyMaps(bool anomaly);
    // Whether the maps are a segmentation run's predicted masks; after setAnomalyMaps, which
    // it overrides when true.
    void setPredictedMasks(bool masks);
    // Whether the overlay is a detector's boxes (setPredictedBoxes); overrides the two above
    // when true.
    void setPredictedBoxesKind(bool boxes);
    // A detector's boxes over the image, in its pixels; those scoring below the bar's slider
    // are not drawn. Dropped with the heat map (clearOverlay, setImage, showMessage).
    void setPredictedBoxes(const PredictedBoxes& boxes);
    const PredictedBoxes& predictedBoxes() const { return boxes_; }
    // The boxes drawn now: those scoring at least the slider's value.
    int shownPredictedBoxes() const;
    bool isSaliencyOn() const;
    // The row's status text: "Computing…", what the map explains, an error.
    void setSaliencyStatus(const QString& text);
    QString saliencyStatus() const;

    // The boxes, polygons and masks drawn over the image, and their editing tools.
    AnnotationEditor* annotations() const { return annotations_; }

    const QImage& image() const { return image_; }
    QString message() const { return message_; }
    double zoom() const { return zoom_; } // screen pixels per image pixel
    bool isFitToWindow() const { return fit_; }

    // Both in the coordinates of the canvas child ("imageCanvas"), not of the viewer.
    QPointF imageToWidget(const QPointF& imagePoint) const;
    QPointF widgetToImage(const QPointF& canvasPoint) const;

public slots:
    void fitToWindow();
    void showActualSize(); // zoom 1 (1:1), centred
    void zoomIn();         // x1.25, anchored at the view centre
    void zoomOut();
    // Clamped to [kMinZoom, kMaxZoom], anchored at the view centre; leaves fit mode.
    void setZoom(double zoom);

signals:
    // value "128" for gray, "R 12 G 40 B 200" for colour; (-1,-1) and "" off the image.
    void pixelHovered(const QPoint& imagePixel, const QString& value);
    void zoomChanged(double zoom);
    void nextRequested();     // Right or Down arrow key
    void previousRequested(); // Left or Up arrow key
    // The Grad-CAM button was checked (show a heat map of the current image) or unchecked
    // (the overlay is already cleared).
    void saliencyRequested(bool on);

protected:
    bool event(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    class Canvas;
    friend class Canvas;

    enum class Key { Unhandled, Next, Previous, ZoomIn, ZoomOut, Fit };
    static Key keyAction(const QKeyEvent* event);

    // Called by the canvas.
    void paintCanvas(QPainter& painter) const;
    void canvasResized(const QSize& oldSize);
    void canvasWheel(QWheelEvent* event);
    void canvasMousePress(QMouseEvent* event);
    void canvasMouseMove(QMouseEvent* event);
    void canvasMouseRelease(QMouseEvent* event);
    void canvasLeft();
    // image_viewer_shapes.cpp; createShapeTools() first: it makes the editor.
    QWidget* createShapeTools();
    QWidget* createShapesBar();
    void canvasDoubleClick(QMouseEvent* event);
    void updateCanvasCursor();

    void paintCaption(QPainter& painter) const;
    void updateCanvas();           // for image_viewer_overlay.cpp, where Canvas is incomplete
    QWidget* canvasWidget() const; // the same, for image_viewer_shapes.cpp
    // image_viewer_overlay.cpp
    QWidget* createSaliencyBar();
    void paintOverlay(QPainter& painter, const QRectF& target, const QRectF& source) const;
    void paintPredictedBoxes(QPainter& painter) const;
    void applyFit();
    void centreImage();
    void zoomAt(double newZoom, const QPointF& anchor);
    void keepImageReachable();
    void emitZoomIfChanged(double oldZoom);
    void refreshHover();
    void updateFooter();
    QString pixelValue(const QPoint& pixel) const;
    QPointF canvasCentre() const;

    Canvas* canvas_ = nullptr;
    QLabel* footer_ = nullptr;
    SaliencyBar* saliencyBar_ = nullptr;
    AnnotationEditor* annotations_ = nullptr;
    ShapesBar* shapesBar_ = nullptr;
    ShapeToolStrip* shapeTools_ = nullptr;

    QImage image_;
    bool gray_ = false; // decided once per image: QImage::isGrayscale() scans RGB images
    QString message_;
    QString caption_;
    QColor captionColor_;
    QImage overlay_; // the image's size, ready to draw
    PredictedBoxes boxes_;

    double zoom_ = 1.0;
    QPointF offset_; // canvas position of the image's top-left corner
    bool fit_ = true;

    std::optional<QPointF> cursor_; // last cursor position over the canvas
    QPoint hoveredPixel_{-1, -1};
    QString hoveredValue_;

    bool dragging_ = false;
    Qt::MouseButton panButton_ = Qt::NoButton;
    QPointF dragStart_;
    QPointF dragStartOffset_;
};

} // namespace kestrel::widgets
