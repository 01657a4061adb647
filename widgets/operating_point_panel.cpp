#include "operating_point_panel.h"

#include <cmath>

#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QSignalBlocker>
#include <QSlider>
#include <QTimer>

namespace kestrel::widgets {

namespace {

// The slider counts tenths of a percent: 900 is 90.0%, 1000 is 100%.
constexpr int kSliderMin = 900;
constexpr int kSliderMax = 1000;
// How long the slider rests before its target is kept: a drag or held arrow key is one change.
constexpr int kSettleMs = 400;

QString percent(double fraction) {
    return QLocale().toString(100.0 * fraction, 'f', 1) + QLatin1Char('%');
}

QString rateLine(const QString& split, const inspection::InspectionRates& rates) {
    return OperatingPointPanel::tr("%1: %2 of %3 defects escape (%4), %5 of %6 good parts "
                                   "rejected (%7)")
        .arg(split)
        .arg(rates.escapes)
        .arg(rates.defects)
        .arg(percent(rates.escapeRate()))
        .arg(rates.falseRejects)
        .arg(rates.goods)
        .arg(percent(rates.falseRejectRate()));
}

} // namespace

OperatingPointPanel::OperatingPointPanel(QWidget* parent) : QWidget(parent) {
    slider_ = new QSlider(Qt::Horizontal);
    slider_->setObjectName("targetRecall");
    slider_->setRange(kSliderMin, kSliderMax);
    slider_->setSingleStep(1);
    slider_->setPageStep(10);
    slider_->setToolTip(tr("The share of defects the NG threshold must catch on the validation "
                           "images. Higher lets fewer defects escape and rejects more good "
                           "parts."));
    auto* sliderLabel = new QLabel(tr("&Defects to catch:"));
    sliderLabel->setBuddy(slider_);
    targetLabel_ = new QLabel;
    targetLabel_->setObjectName("targetRecallValue");
    targetLabel_->setMinimumWidth(targetLabel_->fontMetrics().horizontalAdvance("100.0%  "));
    rates_ = new QLabel;
    rates_->setObjectName("operatingRates");
    rates_->setWordWrap(true);
    rates_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(sliderLabel, 0, 0);
    grid->addWidget(slider_, 0, 1);
    grid->addWidget(targetLabel_, 0, 2);
    grid->addWidget(rates_, 1, 0, 1, 3);
    grid->setColumnStretch(1, 1);

    settle_ = new QTimer(this);
    settle_->setSingleShot(true);
    settle_->setInterval(kSettleMs);
    connect(settle_, &QTimer::timeout, this, [this] { emit targetChosen(target()); });
    connect(slider_, &QSlider::valueChanged, this, [this] {
        showRates();
        settle_->start();
    });
    clear();
}

double OperatingPointPanel::target() const {
    return slider_->value() / 1000.0;
}

QString OperatingPointPanel::ratesText() const {
    return rates_->text();
}

void OperatingPointPanel::setData(const InspectionData& inspection) {
    data_ = inspection;
    settle_->stop();
    {
        const QSignalBlocker blocker(slider_);
        slider_->setValue(static_cast<int>(std::lround(inspection.target * 1000.0)));
    }
    slider_->setEnabled(!inspection.isEmpty());
    showRates();
    show();
}

void OperatingPointPanel::clear() {
    setData({});
    hide(); // until a run's figures arrive: a live run has none yet
}

void OperatingPointPanel::showRates() {
    targetLabel_->setText(percent(target()));
    if (data_.goodClass.isEmpty()) {
        rates_->setText(tr("Escape and false-reject rates need a good class: name one class "
                           "good or ok, or train with --good-class."));
        return;
    }
    const auto point = inspection::chooseOperatingPoint(data_.validation, target());
    if (!point) {
        rates_->setText(tr("Escape and false-reject rates need validation images of both good "
                           "parts and defects."));
        return;
    }
    QString text = tr("NG when P(not %1) ≥ %2")
                       .arg(data_.goodClass, QLocale().toString(point->threshold, 'g', 4));
    text += QLatin1Char('\n') + rateLine(tr("Validation"), point->rates);
    if (!data_.test.empty()) {
        text += QLatin1Char('\n') +
                rateLine(tr("Test"), inspection::ratesAt(data_.test, point->threshold));
    }
    rates_->setText(text);
}

} // namespace kestrel::widgets
