#include "progress_strip.h"

#include <algorithm>

#include <QStyleOptionProgressBar>
#include <QStylePainter>

namespace kestrel::widgets {

namespace {

constexpr int kSteps = 1000; // the style draws integer progress

} // namespace

ProgressStrip::ProgressStrip(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void ProgressStrip::setProgress(double fraction, const QString& text) {
    fraction = std::clamp(fraction, 0.0, 1.0);
    if (fraction == fraction_ && text == text_) {
        return;
    }
    fraction_ = fraction;
    text_ = text;
    setAccessibleDescription(text);
    update();
}

QSize ProgressStrip::sizeHint() const {
    return {200, fontMetrics().height() + 8};
}

QSize ProgressStrip::minimumSizeHint() const {
    return {60, fontMetrics().height() + 8};
}

void ProgressStrip::paintEvent(QPaintEvent*) {
    QStyleOptionProgressBar option;
    option.initFrom(this);
    option.minimum = 0;
    option.maximum = kSteps;
    option.progress = static_cast<int>(fraction_ * kSteps);
    option.text = text_;
    option.textVisible = true;
    option.textAlignment = Qt::AlignCenter;
    option.state |= QStyle::State_Horizontal; // Qt 6 reads the orientation from here
    QStylePainter painter(this);
    painter.drawControl(QStyle::CE_ProgressBar, option);
}

} // namespace kestrel::widgets
