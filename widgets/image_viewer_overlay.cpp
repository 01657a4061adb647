// The viewer's heat-map overlay and its Grad-CAM row; the rest of ImageViewer is in
// image_viewer.cpp.
#include "image_viewer.h"
#include "saliency_overlay.h"

#include <QPainter>

namespace kestrel::widgets {

QWidget* ImageViewer::createSaliencyBar() {
    saliencyBar_ = new SaliencyBar;
    connect(saliencyBar_, &SaliencyBar::toggled, this, [this](bool on) {
        if (!on) {
            clearOverlay();
        } else if (!image_.isNull()) {
            setSaliencyStatus(tr("Computing…"));
        }
        emit saliencyRequested(on);
    });
    connect(saliencyBar_, &SaliencyBar::opacityChanged, this, [this] {
        if (hasOverlay()) {
            updateCanvas();
        }
    });
    return saliencyBar_;
}

void ImageViewer::setOverlay(const QImage& heat) {
    if (heat.isNull() || image_.isNull()) {
        clearOverlay();
        return;
    }
    QImage overlay = heat.format() == QImage::Format_Grayscale8 ? colourHeatMap(heat) : heat;
    if (overlay.size() != image_.size()) {
        overlay = overlay.scaled(image_.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    }
    overlay_ = overlay;
    updateCanvas();
}

void ImageViewer::clearOverlay() {
    saliencyBar_->setStatus({});
    if (!overlay_.isNull()) {
        overlay_ = QImage();
        updateCanvas();
    }
}

void ImageViewer::setOverlayOpacity(double opacity) {
    saliencyBar_->setOpacity(opacity); // repaints through opacityChanged
}

double ImageViewer::overlayOpacity() const {
    return saliencyBar_->opacity();
}

void ImageViewer::setSaliencyAvailable(bool available, const QString& reason) {
    saliencyBar_->setAvailable(available, reason); // unchecks: clears the overlay
}

void ImageViewer::setAnomalyMaps(bool anomaly) {
    saliencyBar_->setKind(anomaly ? SaliencyBar::Kind::AnomalyMap : SaliencyBar::Kind::GradCam);
}

void ImageViewer::setPredictedMasks(bool masks) {
    if (masks) {
        saliencyBar_->setKind(SaliencyBar::Kind::PredictedMask);
    } else if (saliencyBar_->kind() == SaliencyBar::Kind::PredictedMask) {
        saliencyBar_->setKind(SaliencyBar::Kind::GradCam);
    }
}

bool ImageViewer::isSaliencyOn() const {
    return saliencyBar_->isOn();
}

void ImageViewer::setSaliencyStatus(const QString& text) {
    saliencyBar_->setStatus(text);
}

QString ImageViewer::saliencyStatus() const {
    return saliencyBar_->status();
}

void ImageViewer::paintOverlay(QPainter& painter, const QRectF& target,
                               const QRectF& source) const {
    const double opacity = overlayOpacity();
    if (overlay_.isNull() || opacity <= 0.0) {
        return;
    }
    // The overlay has the image's size, so the image's source and target rectangles (only
    // the visible part) place it exactly; the smoothing hint is the image's too.
    painter.save();
    painter.setOpacity(opacity);
    painter.drawImage(target, overlay_, source);
    painter.restore();
}

} // namespace kestrel::widgets
