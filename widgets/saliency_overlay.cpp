#include "saliency_overlay.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QSlider>
#include <QToolButton>

namespace kestrel::widgets {

namespace {

constexpr int kOpacitySteps = 100;
// What the slider means: the map's opacity, or the lowest score of the boxes shown.
QString sliderTip(SaliencyBar::Kind kind) {
    return kind == SaliencyBar::Kind::DetectedBoxes
               ? QObject::tr("Lowest score shown: boxes scoring less are hidden (the line "
                             "rejects a part from 25 %)")
               : QObject::tr("Heat map opacity: 0 % shows the image alone, 100 % the map alone");
}

QString availableTip(SaliencyBar::Kind kind) {
    if (kind == SaliencyBar::Kind::DetectedBoxes) {
        return QObject::tr("Show the boxes the detector finds, with their class and score, over "
                           "the image and the boxes drawn on it");
    }
    if (kind == SaliencyBar::Kind::PredictedMask) {
        return QObject::tr("Show what the segmentation model finds defective: each pixel's "
                           "defect probability (1 - P(background)) over the image");
    }
    if (kind == SaliencyBar::Kind::AnomalyMap) {
        return QObject::tr("Show where the anomaly detector finds the part unlike the good "
                           "ones: its anomaly map over the image, hot from 0.5 (the threshold)");
    }
    return QObject::tr("Show where the model looked: a Grad-CAM heat map of the class it "
                       "predicts, over the image");
}

// Turbo, by its published polynomial fit (Mikhailov 2019; fit by Ruofei Du): perceptually
// smoother than jet, and dark at both ends so the image's own gray stays readable.
std::array<QRgb, 256> turboTable() {
    std::array<QRgb, 256> table{};
    for (std::size_t i = 0; i < table.size(); ++i) {
        const double x = static_cast<double>(i) / 255.0;
        const double x2 = x * x;
        const double x3 = x2 * x;
        const double x4 = x2 * x2;
        const double x5 = x4 * x;
        const double red = 0.13572138 + 4.61539260 * x - 42.66032258 * x2 + 132.13108234 * x3 -
                           152.94239396 * x4 + 59.28637943 * x5;
        const double green = 0.09140261 + 2.19418839 * x + 4.84296658 * x2 - 14.18503333 * x3 +
                             4.27729857 * x4 + 2.82956604 * x5;
        const double blue = 0.10667330 + 12.64194608 * x - 60.58204836 * x2 + 110.36276771 * x3 -
                            89.90310912 * x4 + 27.34824973 * x5;
        const auto level = [](double value) {
            return static_cast<int>(std::lround(std::clamp(value, 0.0, 1.0) * 255.0));
        };
        table[i] = qRgb(level(red), level(green), level(blue));
    }
    return table;
}

// A one-line label that ends in "…" when it is cut, rather than clipping mid-letter; the
// whole text is in its tooltip.
class ElidedLabel : public QLabel {
public:
    using QLabel::QLabel;

protected:
    void paintEvent(QPaintEvent* /*event*/) override {
        QPainter painter(this);
        const QRect area = contentsRect();
        painter.drawText(area, Qt::AlignVCenter | Qt::AlignLeft,
                         fontMetrics().elidedText(text(), Qt::ElideRight, area.width()));
    }
};

} // namespace

QImage colourHeatMap(const QImage& heat) {
    if (heat.isNull()) {
        return {};
    }
    static const std::array<QRgb, 256> turbo = turboTable();
    const QImage gray = heat.format() == QImage::Format_Grayscale8
                            ? heat
                            : heat.convertToFormat(QImage::Format_Grayscale8);
    QImage coloured(gray.size(), QImage::Format_RGB32);
    for (int y = 0; y < gray.height(); ++y) {
        const uchar* in = gray.constScanLine(y);
        auto* out = reinterpret_cast<QRgb*>(coloured.scanLine(y));
        for (int x = 0; x < gray.width(); ++x) {
            out[x] = turbo[in[x]];
        }
    }
    return coloured;
}

SaliencyBar::SaliencyBar(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("saliencyBar"));
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(4, 0, 4, 0);
    row->setSpacing(6);

    button_ = new QToolButton;
    button_->setObjectName(QStringLiteral("saliencyButton"));
    button_->setText(tr("Grad-CAM"));
    button_->setCheckable(true);
    button_->setAutoRaise(true);
    button_->setFocusPolicy(Qt::NoFocus);
    button_->setToolTip(availableTip(kind_));
    row->addWidget(button_);

    slider_ = new QSlider(Qt::Horizontal);
    slider_->setObjectName(QStringLiteral("saliencyOpacity"));
    slider_->setRange(0, kOpacitySteps);
    slider_->setValue(kOpacitySteps / 2);
    slider_->setFocusPolicy(Qt::NoFocus);
    slider_->setFixedWidth(80);
    slider_->setToolTip(sliderTip(kind_));
    row->addWidget(slider_);

    status_ = new ElidedLabel;
    status_->setObjectName(QStringLiteral("saliencyStatus"));
    // Ignored width: an error sentence must not widen the viewer; its tooltip has it whole.
    status_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    status_->setMinimumWidth(60);
    row->addWidget(status_, 1);

    connect(button_, &QToolButton::toggled, this, &SaliencyBar::toggled);
    connect(slider_, &QSlider::valueChanged, this,
            [this](int value) { emit opacityChanged(double(value) / kOpacitySteps); });
}

bool SaliencyBar::isOn() const {
    return button_->isChecked();
}

void SaliencyBar::setOn(bool on) {
    button_->setChecked(on);
}

void SaliencyBar::setAvailable(bool available, const QString& reason) {
    if (!available) {
        button_->setChecked(false);
        setStatus({});
    }
    button_->setEnabled(available);
    button_->setToolTip(available ? availableTip(kind_) : reason);
}

void SaliencyBar::setKind(Kind kind) {
    const bool boxesBefore = kind_ == Kind::DetectedBoxes;
    kind_ = kind;
    button_->setText(kind == Kind::AnomalyMap      ? tr("Anomaly map")
                     : kind == Kind::PredictedMask ? tr("Predicted mask")
                     : kind == Kind::DetectedBoxes ? tr("Predicted boxes")
                                                   : tr("Grad-CAM"));
    slider_->setToolTip(sliderTip(kind));
    // The slider's meaning changes: boxes start at the line's score, maps half opaque.
    if (boxesBefore != (kind == Kind::DetectedBoxes)) {
        slider_->setValue(kind == Kind::DetectedBoxes ? kOpacitySteps / 4 : kOpacitySteps / 2);
    }
    if (button_->isEnabled()) {
        button_->setToolTip(availableTip(kind));
    }
}

void SaliencyBar::setStatus(const QString& text) {
    status_->setText(text);
    status_->setToolTip(text);
}

QString SaliencyBar::status() const {
    return status_->text();
}

double SaliencyBar::opacity() const {
    return double(slider_->value()) / kOpacitySteps;
}

void SaliencyBar::setOpacity(double opacity) {
    slider_->setValue(static_cast<int>(std::lround(std::clamp(opacity, 0.0, 1.0) * kOpacitySteps)));
}

} // namespace kestrel::widgets
