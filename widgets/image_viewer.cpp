#include "image_viewer.h"

#include "annotation_editor.h"

#include <algorithm>
#include <cmath>

#include <QEvent>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QResizeEvent>
#include <QVBoxLayout>
#include <QWheelEvent>

namespace kestrel::widgets {

namespace {

// Dark and neutral, so gray images keep their contrast and no hue tints the defect.
const QColor kBackground(0x2b, 0x2b, 0x2b);
const QColor kMessageColor(0xd0, 0xd0, 0xd0);
// Panning stops with at least this much of the image (or all of it, if smaller) in view,
// so it cannot be lost off-screen.
constexpr double kReachable = 32.0;
constexpr int kWheelStep = 120; // QWheelEvent angle delta of one notch

double clampZoom(double zoom) {
    return std::clamp(zoom, ImageViewer::kMinZoom, ImageViewer::kMaxZoom);
}

// Black text on light badges, white on dark ones (perceived luminance, ITU-R BT.601).
QColor textColorFor(const QColor& fill) {
    const double luminance = 0.299 * fill.red() + 0.587 * fill.green() + 0.114 * fill.blue();
    return luminance > 140.0 ? QColor(Qt::black) : QColor(Qt::white);
}

QString zoomText(double zoom) {
    // Whole percents read best; below 10 % they would collapse to the same few numbers.
    return QString::number(zoom * 100.0, 'f', zoom < 0.1 ? 1 : 0) + QLatin1Char('%');
}

} // namespace

// The surface the image is drawn on. All state lives in the viewer; the canvas only hands
// its events over, so that coordinates are the canvas's and the footer stays out of them.
class ImageViewer::Canvas : public QWidget {
public:
    explicit Canvas(ImageViewer* viewer) : QWidget(viewer), viewer_(viewer) {
        setObjectName(QStringLiteral("imageCanvas"));
        setMouseTracking(true);                // hover reports pixel values without a button held
        setAttribute(Qt::WA_OpaquePaintEvent); // paintCanvas() fills every pixel
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    }

protected:
    void paintEvent(QPaintEvent* /*event*/) override {
        QPainter painter(this);
        viewer_->paintCanvas(painter);
    }
    void resizeEvent(QResizeEvent* event) override { viewer_->canvasResized(event->oldSize()); }
    void wheelEvent(QWheelEvent* event) override { viewer_->canvasWheel(event); }
    void mousePressEvent(QMouseEvent* event) override { viewer_->canvasMousePress(event); }
    void mouseMoveEvent(QMouseEvent* event) override { viewer_->canvasMouseMove(event); }
    void mouseReleaseEvent(QMouseEvent* event) override { viewer_->canvasMouseRelease(event); }
    void mouseDoubleClickEvent(QMouseEvent* event) override { viewer_->canvasDoubleClick(event); }
    void leaveEvent(QEvent* /*event*/) override { viewer_->canvasLeft(); }

private:
    ImageViewer* viewer_;
};

ImageViewer::ImageViewer(QWidget* parent) : QWidget(parent) {
    setFocusPolicy(Qt::StrongFocus);

    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);

    canvas_ = new Canvas(this);
    // The shape tools run down the canvas's left edge, where they cost no image height.
    auto* middle = new QHBoxLayout;
    middle->setSpacing(0);
    middle->addWidget(createShapeTools());
    middle->addWidget(canvas_, 1);
    column->addLayout(middle, 1);

    // Two short rows under the image: the shape and heat-map controls, then the pixel under
    // the cursor on a line of its own, so that neither cuts the other's text in a narrow dock.
    auto* controls = new QHBoxLayout;
    controls->setSpacing(0);
    controls->addWidget(createShapesBar());
    controls->addWidget(createSaliencyBar(), 1);
    column->addLayout(controls);

    footer_ = new QLabel;
    footer_->setObjectName(QStringLiteral("pixelInfo"));
    footer_->setContentsMargins(6, 2, 6, 2);
    // Ignored width: a long value line must not widen the viewer or its dock.
    footer_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    footer_->setMinimumHeight(footer_->fontMetrics().height() + 4);
    column->addWidget(footer_);
}

void ImageViewer::setImage(const QImage& image) {
    const double oldZoom = zoom_;
    image_ = image;
    message_.clear();
    clearOverlay();
    annotations_->cancelGesture();
    gray_ = image_.format() == QImage::Format_Grayscale8 ||
            image_.format() == QImage::Format_Grayscale16 ||
            (image_.format() == QImage::Format_Indexed8 && image_.isGrayscale());
    if (fit_) {
        applyFit();
    } else {
        centreImage();
    }
    refreshHover();
    canvas_->update();
    emitZoomIfChanged(oldZoom);
    // The map or boxes belonged to the previous image: ask for this one's.
    if (isSaliencyOn() && !image_.isNull()) {
        setSaliencyStatus(tr("Computing…"));
        emit saliencyRequested(true);
    }
}

void ImageViewer::showMessage(const QString& text) {
    image_ = QImage();
    message_ = text;
    clearOverlay();
    annotations_->cancelGesture();
    dragging_ = false;
    refreshHover();
    canvas_->update();
}

void ImageViewer::setCaption(const QString& text, const QColor& color) {
    caption_ = text;
    captionColor_ = color;
    canvas_->update();
}

QPointF ImageViewer::imageToWidget(const QPointF& imagePoint) const {
    return offset_ + imagePoint * zoom_;
}

QPointF ImageViewer::widgetToImage(const QPointF& canvasPoint) const {
    return (canvasPoint - offset_) / zoom_;
}

void ImageViewer::fitToWindow() {
    const double oldZoom = zoom_;
    fit_ = true;
    applyFit();
    refreshHover();
    canvas_->update();
    emitZoomIfChanged(oldZoom);
}

void ImageViewer::showActualSize() {
    const double oldZoom = zoom_;
    fit_ = false;
    zoom_ = 1.0;
    centreImage();
    refreshHover();
    canvas_->update();
    emitZoomIfChanged(oldZoom);
}

void ImageViewer::zoomIn() {
    zoomAt(zoom_ * kZoomStep, canvasCentre());
}

void ImageViewer::zoomOut() {
    zoomAt(zoom_ / kZoomStep, canvasCentre());
}

void ImageViewer::setZoom(double zoom) {
    zoomAt(zoom, canvasCentre());
}

bool ImageViewer::event(QEvent* event) {
    // Claim our few keys before window shortcuts see them, but only those: the window's
    // own shortcuts (1-9 for labels, …) must still reach it while the viewer has focus.
    if (event->type() == QEvent::ShortcutOverride &&
        (annotations_->wantsKey(static_cast<QKeyEvent*>(event)) ||
         keyAction(static_cast<QKeyEvent*>(event)) != Key::Unhandled)) {
        event->accept();
        return true;
    }
    return QWidget::event(event);
}

void ImageViewer::keyPressEvent(QKeyEvent* event) {
    if (annotations_->keyPress(event)) {
        event->accept();
        return;
    }
    switch (keyAction(event)) {
    case Key::Next:
        emit nextRequested();
        break;
    case Key::Previous:
        emit previousRequested();
        break;
    case Key::ZoomIn:
        zoomIn();
        break;
    case Key::ZoomOut:
        zoomOut();
        break;
    case Key::Fit:
        fitToWindow();
        break;
    case Key::Unhandled:
        QWidget::keyPressEvent(event); // ignores it, so it travels on to the parent
        return;
    }
    event->accept();
}

ImageViewer::Key ImageViewer::keyAction(const QKeyEvent* event) {
    // Keypad keys carry KeypadModifier; they mean the same here. '+' needs Shift on many
    // layouts, so Shift is allowed for it alone.
    const Qt::KeyboardModifiers modifiers = event->modifiers() & ~Qt::KeypadModifier;
    const bool plain = modifiers == Qt::NoModifier;
    switch (event->key()) {
    case Qt::Key_Right:
    case Qt::Key_Down:
        return plain ? Key::Next : Key::Unhandled;
    case Qt::Key_Left:
    case Qt::Key_Up:
        return plain ? Key::Previous : Key::Unhandled;
    case Qt::Key_Plus:
        return (modifiers & ~Qt::ShiftModifier) == Qt::NoModifier ? Key::ZoomIn : Key::Unhandled;
    case Qt::Key_Minus:
        return plain ? Key::ZoomOut : Key::Unhandled;
    case Qt::Key_F:
        return plain ? Key::Fit : Key::Unhandled;
    default:
        return Key::Unhandled;
    }
}

void ImageViewer::paintCanvas(QPainter& painter) const {
    const QRect area = canvas_->rect();
    painter.fillRect(area, kBackground);

    if (image_.isNull()) {
        if (!message_.isEmpty()) {
            painter.setPen(kMessageColor);
            painter.drawText(area.adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap,
                             message_);
        }
        return;
    }

    const bool smooth = zoom_ < 1.0;
    // Draw only the image pixels that can be seen, so the cost follows the canvas size,
    // not the zoom: scaling all of an 8000x6000 image to 64x every paint would never end.
    // Smooth scaling samples neighbours, so it gets one more pixel around the view.
    const double margin = smooth ? 1.0 : 0.0;
    const QPointF first = widgetToImage(QPointF(0, 0));
    const QPointF last = widgetToImage(QPointF(area.width(), area.height()));
    const double left = std::max(0.0, std::floor(first.x()) - margin);
    const double top = std::max(0.0, std::floor(first.y()) - margin);
    const double right = std::min(double(image_.width()), std::ceil(last.x()) + margin);
    const double bottom = std::min(double(image_.height()), std::ceil(last.y()) + margin);
    if (right > left && bottom > top) {
        const QRectF source(left, top, right - left, bottom - top);
        const QRectF target(imageToWidget(source.topLeft()), source.size() * zoom_);
        // Nearest neighbour from 1:1 up keeps pixels crisp for pixel-level inspection.
        painter.setRenderHint(QPainter::SmoothPixmapTransform, smooth);
        painter.drawImage(target, image_, source);
        paintOverlay(painter, target, source);
        annotations_->paint(painter, source);
        paintPredictedBoxes(painter); // over the drawn shapes: what the model says, last
    }
    paintCaption(painter);
}

void ImageViewer::paintCaption(QPainter& painter) const {
    if (caption_.isEmpty()) {
        return;
    }
    QFont font = painter.font();
    font.setBold(true);
    painter.setFont(font);
    const QFontMetrics metrics(font);
    constexpr int padX = 6;
    constexpr int padY = 3;
    constexpr double inset = 6.0;
    const QSizeF box(metrics.horizontalAdvance(caption_) + 2 * padX, metrics.height() + 2 * padY);
    // Pinned inside the canvas when the corner is panned out of view, so the class stays
    // readable at any zoom.
    const QPointF corner = imageToWidget(QPointF(0, 0));
    const QRectF badge(
        QPointF(std::max(corner.x(), 0.0) + inset, std::max(corner.y(), 0.0) + inset), box);
    const QColor fill = captionColor_.isValid() ? captionColor_ : QColor(Qt::darkGray);

    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(fill);
    painter.drawRoundedRect(badge, 3.0, 3.0);
    painter.setPen(textColorFor(fill));
    painter.drawText(badge, Qt::AlignCenter, caption_);
    painter.restore();
}

void ImageViewer::canvasResized(const QSize& oldSize) {
    if (fit_) {
        applyFit();
    } else if (oldSize.isValid()) {
        // Keep what was at the view centre at the centre.
        offset_ +=
            QPointF(canvas_->width() - oldSize.width(), canvas_->height() - oldSize.height()) / 2.0;
    }
    refreshHover();
    canvas_->update();
}

void ImageViewer::canvasWheel(QWheelEvent* event) {
    const int delta = event->angleDelta().y();
    if (image_.isNull() || delta == 0) {
        event->ignore();
        return;
    }
    // Fractional steps keep high-resolution wheels and touchpads smooth.
    zoomAt(zoom_ * std::pow(kZoomStep, double(delta) / kWheelStep), event->position());
    event->accept();
}

void ImageViewer::canvasMousePress(QMouseEvent* event) {
    cursor_ = event->position();
    if (annotations_->mousePress(event)) {
        updateCanvasCursor();
        event->accept();
        return;
    }
    // The middle button pans whatever the tool, so drawing tools leave a way to move around.
    const bool pans = event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton;
    if (!pans || image_.isNull()) {
        event->ignore();
        return;
    }
    dragging_ = true;
    panButton_ = event->button();
    dragStart_ = event->position();
    dragStartOffset_ = offset_;
    canvas_->setCursor(Qt::ClosedHandCursor);
    event->accept();
}

void ImageViewer::canvasMouseMove(QMouseEvent* event) {
    cursor_ = event->position();
    if (!dragging_ && annotations_->mouseMove(event)) {
        updateCanvasCursor();
        refreshHover();
        return;
    }
    if (dragging_ && (event->buttons() & panButton_)) {
        offset_ = dragStartOffset_ + (event->position() - dragStart_);
        fit_ = false; // the user chose this view; a resize must not undo it
        keepImageReachable();
        canvas_->update();
    } else if (!dragging_) {
        updateCanvasCursor();
    }
    refreshHover();
}

void ImageViewer::canvasMouseRelease(QMouseEvent* event) {
    cursor_ = event->position();
    if (dragging_ && event->button() == panButton_) {
        dragging_ = false;
        updateCanvasCursor();
    } else if (annotations_->mouseRelease(event)) {
        updateCanvasCursor();
    }
    refreshHover();
}

void ImageViewer::canvasLeft() {
    cursor_.reset();
    refreshHover();
}

void ImageViewer::applyFit() {
    if (image_.isNull() || canvas_->width() <= 0 || canvas_->height() <= 0) {
        return;
    }
    zoom_ = clampZoom(std::min(double(canvas_->width()) / image_.width(),
                               double(canvas_->height()) / image_.height()));
    centreImage();
}

void ImageViewer::centreImage() {
    // Whole-pixel offsets keep nearest-neighbour blocks the same size across the image.
    offset_ = QPointF(std::round((canvas_->width() - image_.width() * zoom_) / 2.0),
                      std::round((canvas_->height() - image_.height() * zoom_) / 2.0));
}

void ImageViewer::zoomAt(double newZoom, const QPointF& anchor) {
    const double oldZoom = zoom_;
    fit_ = false;
    zoom_ = clampZoom(newZoom);
    if (!image_.isNull()) {
        // The image point under the anchor stays under it.
        const QPointF imagePoint = (anchor - offset_) / oldZoom;
        offset_ = anchor - imagePoint * zoom_;
        // Zooming about a point off the image can push it out of view; about a point on
        // it, the image stays where the user is looking.
        if (!QRectF(image_.rect()).contains(imagePoint)) {
            keepImageReachable();
        }
        refreshHover();
        canvas_->update();
    }
    emitZoomIfChanged(oldZoom);
}

void ImageViewer::keepImageReachable() {
    if (image_.isNull()) {
        return;
    }
    const auto clampAxis = [](double offset, double shown, double view) {
        const double keep = std::min({kReachable, shown, view});
        return std::clamp(offset, keep - shown, view - keep);
    };
    offset_.setX(clampAxis(offset_.x(), image_.width() * zoom_, canvas_->width()));
    offset_.setY(clampAxis(offset_.y(), image_.height() * zoom_, canvas_->height()));
}

void ImageViewer::emitZoomIfChanged(double oldZoom) {
    updateFooter();
    if (zoom_ != oldZoom) {
        emit zoomChanged(zoom_);
    }
}

void ImageViewer::refreshHover() {
    QPoint pixel(-1, -1);
    QString value;
    if (cursor_ && !image_.isNull() && QRectF(canvas_->rect()).contains(*cursor_)) {
        const QPointF point = widgetToImage(*cursor_);
        if (point.x() >= 0 && point.y() >= 0 && point.x() < image_.width() &&
            point.y() < image_.height()) {
            pixel = QPoint(int(std::floor(point.x())), int(std::floor(point.y())));
            value = pixelValue(pixel);
        }
    }
    const bool changed = pixel != hoveredPixel_ || value != hoveredValue_;
    hoveredPixel_ = pixel;
    hoveredValue_ = value;
    updateFooter();
    // Only on change: a mouse move within one screen-magnified pixel is no news.
    if (changed) {
        emit pixelHovered(pixel, value);
    }
}

void ImageViewer::updateFooter() {
    if (image_.isNull()) {
        footer_->clear();
    } else if (hoveredPixel_.x() >= 0) {
        footer_->setText(tr("x %1, y %2 · %3 · %4")
                             .arg(hoveredPixel_.x())
                             .arg(hoveredPixel_.y())
                             .arg(hoveredValue_, zoomText(zoom_)));
    } else {
        footer_->setText(zoomText(zoom_));
    }
}

QString ImageViewer::pixelValue(const QPoint& pixel) const {
    if (image_.format() == QImage::Format_Grayscale8) {
        return QString::number(image_.constScanLine(pixel.y())[pixel.x()]);
    }
    const QRgb rgb = image_.pixel(pixel);
    if (gray_) {
        return QString::number(qGray(rgb));
    }
    return QStringLiteral("R %1 G %2 B %3").arg(qRed(rgb)).arg(qGreen(rgb)).arg(qBlue(rgb));
}

void ImageViewer::updateCanvas() {
    canvas_->update();
}

QWidget* ImageViewer::canvasWidget() const {
    return canvas_;
}

QPointF ImageViewer::canvasCentre() const {
    return QPointF(canvas_->width() / 2.0, canvas_->height() / 2.0);
}

} // namespace kestrel::widgets
