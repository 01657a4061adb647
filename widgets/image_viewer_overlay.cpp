// The viewer's heat-map overlay and its Grad-CAM row; the rest of ImageViewer is in
// image_viewer.cpp.
#include "image_viewer.h"
#include "saliency_overlay.h"

#include <algorithm>
#include <array>

#include <QFontMetrics>
#include <QPainter>

namespace kestrel::widgets {

namespace {

// Okabe and Ito's colours, bright enough over dark metal and distinct for colour-blind eyes.
const std::array<QColor, 6> kBoxColours = {{QColor(0xE6, 0x9F, 0x00), QColor(0x56, 0xB4, 0xE9),
                                            QColor(0x00, 0x9E, 0x73), QColor(0xF0, 0xE4, 0x42),
                                            QColor(0xCC, 0x79, 0xA7), QColor(0xD5, 0x5E, 0x00)}};

} // namespace

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
        if (hasOverlay() || !boxes_.isEmpty()) {
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
    if (!overlay_.isNull() || !boxes_.isEmpty()) {
        overlay_ = QImage();
        boxes_.clear();
        updateCanvas();
    }
}

void ImageViewer::setPredictedBoxes(const PredictedBoxes& boxes) {
    boxes_ = image_.isNull() ? PredictedBoxes{} : boxes;
    updateCanvas();
}

int ImageViewer::shownPredictedBoxes() const {
    const double lowest = saliencyBar_->opacity();
    return static_cast<int>(std::count_if(boxes_.begin(), boxes_.end(), [lowest](const auto& box) {
        return box.score >= lowest - 1e-9;
    }));
}

void ImageViewer::setPredictedBoxesKind(bool boxes) {
    if (boxes) {
        saliencyBar_->setKind(SaliencyBar::Kind::DetectedBoxes);
    } else if (saliencyBar_->kind() == SaliencyBar::Kind::DetectedBoxes) {
        saliencyBar_->setKind(SaliencyBar::Kind::GradCam);
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

void ImageViewer::paintPredictedBoxes(QPainter& painter) const {
    if (boxes_.isEmpty()) {
        return;
    }
    const double lowest = saliencyBar_->opacity();
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    QFont font = painter.font();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    painter.setFont(font);
    const QFontMetrics metrics(font);
    // The weakest first, so the strongest boxes' outlines and tags lie on top.
    PredictedBoxes shown;
    std::copy_if(boxes_.begin(), boxes_.end(), std::back_inserter(shown),
                 [lowest](const PredictedBox& box) { return box.score >= lowest - 1e-9; });
    std::sort(shown.begin(), shown.end(),
              [](const PredictedBox& a, const PredictedBox& b) { return a.score < b.score; });
    for (const PredictedBox& box : shown) {
        const QColor colour =
            kBoxColours[static_cast<std::size_t>(std::max(box.classIndex, 0)) % kBoxColours.size()];
        const QRectF rect(imageToWidget(box.rect.topLeft()), imageToWidget(box.rect.bottomRight()));
        // Dashed: a prediction, told apart from the solid shapes drawn by people.
        QPen pen(colour, 2.0, Qt::DashLine);
        pen.setCosmetic(true);
        painter.setPen(pen);
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(rect);
        const QString tag = QStringLiteral("%1 %2").arg(box.className).arg(box.score, 0, 'f', 2);
        const QRectF tagRect(rect.left(), rect.top() - metrics.height() - 1,
                             metrics.horizontalAdvance(tag) + 6, metrics.height() + 1);
        painter.fillRect(tagRect, colour);
        painter.setPen(Qt::black);
        painter.drawText(tagRect, Qt::AlignCenter, tag);
    }
    painter.restore();
}

void ImageViewer::paintOverlay(QPainter& painter, const QRectF& target,
                               const QRectF& source) const {
    if (saliencyBar_->kind() == SaliencyBar::Kind::DetectedBoxes) {
        return; // the slider is the lowest score, not an opacity; the boxes come later
    }
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
