#include "score_histogram_view.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <QApplication>
#include <QFocusEvent>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

namespace kestrel::widgets {

namespace {

constexpr int kMargin = 4;         // around everything
constexpr int kGap = 4;            // between a label and what it names
constexpr int kTick = 4;           // length of an axis tick
constexpr int kHeadroom = 9;       // above the tallest bar, for the threshold's handle
constexpr int kHandle = 6;         // half the handle's width
constexpr int kGrab = 5;           // how near the line a press grabs it
constexpr int kClickSlop = 3;      // a press on a bar and the line drags once it moves this far
constexpr int kMinHitHeight = 8;   // a short bar is still this easy to click
constexpr int kSwatch = 10;        // one legend key
constexpr int kLegendSpacing = 12; // between legend keys
constexpr int kBoxPadding = 4;     // either side of the threshold's value
constexpr int kMinPlotWidth = 60;
constexpr int kMinPlotHeight = 30;

// Steps of the keyboard: fine, and with Shift coarse.
constexpr double kFineStep = 0.01;
constexpr double kCoarseStep = 0.05;

const QColor kGoodColor(0x43, 0xa0, 0x47);   // green, as completed runs
const QColor kDefectColor(0xe5, 0x39, 0x35); // red, as failed runs
const QColor kNgShade(0xe5, 0x39, 0x35, 30); // the side called defective

// 1, 2 or 5 times a power of ten, at least 1: a count axis with about `ticks` steps.
std::int64_t niceStep(std::int64_t maxCount, int ticks) {
    const double raw = static_cast<double>(maxCount) / std::max(1, ticks);
    const double magnitude = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-9))));
    for (const double multiple : {1.0, 2.0, 5.0, 10.0}) {
        if (multiple * magnitude >= raw) {
            return std::max<std::int64_t>(1, std::llround(multiple * magnitude));
        }
    }
    return std::max<std::int64_t>(1, std::llround(10 * magnitude));
}

// Kills the float noise of repeated steps (0.5 + 3 * 0.01), so thresholds print and compare
// as typed.
double tidy(double value) {
    return std::round(value * 1e6) / 1e6;
}

} // namespace

ScoreHistogramView::ScoreHistogramView(QWidget* parent) : QWidget(parent) {
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true); // hover highlight and the cursor over the line
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAccessibleName(tr("Anomaly score histogram"));
    updateDescription();
}

int ScoreHistogramView::binOf(double score) {
    if (!(score > 0)) { // NaN too
        return 0;
    }
    if (score >= 1) {
        return kBins - 1;
    }
    // score * 20 is exact for a float score, so a bin's edges are exactly i/20.
    return std::min(static_cast<int>(std::floor(score * kBins)), kBins - 1);
}

QString ScoreHistogramView::binRangeText(int bin) {
    const QLocale locale;
    return tr("%1–%2").arg(locale.toString(static_cast<double>(bin) / kBins, 'f', 2),
                           locale.toString(static_cast<double>(bin + 1) / kBins, 'f', 2));
}

QString ScoreHistogramView::scoreText(double value) {
    for (int decimals = 2; decimals < 4; ++decimals) {
        const double scaled = value * std::pow(10.0, decimals);
        if (std::abs(scaled - std::round(scaled)) < 1e-6) {
            return QLocale().toString(value, 'f', decimals);
        }
    }
    return QLocale().toString(value, 'f', 4);
}

void ScoreHistogramView::setScores(const std::vector<float>& scores,
                                   const std::vector<std::uint8_t>& defect) {
    std::fill(good_.begin(), good_.end(), 0);
    std::fill(defect_.begin(), defect_.end(), 0);
    const std::size_t n = std::min(scores.size(), defect.size());
    for (std::size_t i = 0; i < n; ++i) {
        ++(defect[i] != 0 ? defect_ : good_)[static_cast<std::size_t>(binOf(scores[i]))];
    }
    total_ = static_cast<std::int64_t>(n);
    hovered_.reset();
    pressedBar_.reset();
    grabbed_ = false;
    dragging_ = false;
    update();
}

void ScoreHistogramView::clear() {
    setScores({}, {});
}

std::int64_t ScoreHistogramView::count(int bin, bool defect) const {
    if (bin < 0 || bin >= kBins) {
        return 0;
    }
    return (defect ? defect_ : good_)[static_cast<std::size_t>(bin)];
}

void ScoreHistogramView::setThreshold(double threshold) {
    if (std::isnan(threshold)) {
        return;
    }
    const double clamped = std::clamp(tidy(threshold), 0.0, 1.0);
    if (clamped == threshold_) {
        return;
    }
    threshold_ = clamped;
    updateDescription();
    update();
    emit thresholdChanged(threshold_);
}

void ScoreHistogramView::updateDescription() {
    setAccessibleDescription(
        tr("Threshold %1: parts scoring at or above it are called defects. Left and Right move "
           "it, Home puts back the run's %2.")
            .arg(scoreText(threshold_), QLocale().toString(kRunThreshold)));
}

ScoreHistogramView::Layout ScoreHistogramView::layout() const {
    Layout l;
    const QFontMetrics metrics(font());
    const QRect area = rect().adjusted(kMargin, kMargin, -kMargin, -kMargin);
    const int legendRow = metrics.height() + kGap;
    const int axisRow = kTick + metrics.height() + 2;
    const int plotHeight = area.height() - legendRow - axisRow;
    if (plotHeight < kMinPlotHeight) {
        return l;
    }
    // About one count label per two lines of text, at most five.
    std::int64_t maxCount = 1;
    for (int bin = 0; bin < kBins; ++bin) {
        maxCount = std::max({maxCount, count(bin, false), count(bin, true)});
    }
    const int ticks = std::clamp((plotHeight - kHeadroom) / (2 * metrics.height()), 1, 5);
    l.axisStep = niceStep(maxCount, ticks);
    l.axisMax = (maxCount + l.axisStep - 1) / l.axisStep * l.axisStep;

    const int labelWidth =
        metrics.horizontalAdvance(QLocale().toString(static_cast<qlonglong>(l.axisMax))) + kGap +
        kTick;
    // Room for half of the "1" under the right end.
    const int rightPad = metrics.horizontalAdvance(QLocale().toString(1.0)) / 2 + 2;
    const int left = area.left() + labelWidth;
    const int width = area.right() - rightPad - left + 1;
    if (width < kMinPlotWidth) {
        return l;
    }
    l.plot = QRect(left, area.top() + legendRow, width, plotHeight);

    const auto key = [&](const QString& text) {
        return kSwatch + kGap + metrics.horizontalAdvance(text);
    };
    const int twoKeys = key(tr("good")) + kLegendSpacing + key(tr("defect"));
    const int threeKeys = twoKeys + kLegendSpacing + key(tr("NG"));
    if (threeKeys <= area.width()) {
        l.legend = QRect(area.right() - threeKeys + 1, area.top(), threeKeys, metrics.height());
    } else if (twoKeys <= area.width()) {
        l.legendNg = false;
        l.legend = QRect(area.right() - twoKeys + 1, area.top(), twoKeys, metrics.height());
    }
    return l;
}

int ScoreHistogramView::binLeft(const QRect& plot, int bin) const {
    return plot.left() + static_cast<int>(std::lround(static_cast<double>(bin) * plot.width() /
                                                      static_cast<double>(kBins)));
}

int ScoreHistogramView::xOf(const QRect& plot, double value) const {
    return plot.left() + static_cast<int>(std::lround(value * plot.width()));
}

int ScoreHistogramView::yOf(const Layout& l, std::int64_t n) const {
    const double share = static_cast<double>(n) / static_cast<double>(l.axisMax);
    return l.plot.bottom() + 1 -
           static_cast<int>(std::lround(share * (l.plot.height() - kHeadroom)));
}

QRect ScoreHistogramView::plotRect() const {
    return layout().plot;
}

QRect ScoreHistogramView::barRectIn(const Layout& l, int bin, bool defect) const {
    const std::int64_t n = count(bin, defect);
    if (l.plot.isNull() || n == 0) {
        return {};
    }
    const int x0 = binLeft(l.plot, bin);
    const int x1 = binLeft(l.plot, bin + 1);
    const int width = x1 - x0;
    // A gap between bins keeps them apart; the two bars of a bin touch.
    const int inset = width >= 12 ? width / 8 : (width >= 4 ? 1 : 0);
    const int middle = x0 + width / 2;
    const int left = defect ? middle : x0 + inset;
    const int right = std::max(left + 1, defect ? x1 - inset : middle); // exclusive
    const int top = std::min(yOf(l, n), l.plot.bottom() - 1);           // one count shows
    return {QPoint(left, top), QPoint(right - 1, l.plot.bottom())};
}

QRect ScoreHistogramView::barRect(int bin, bool defect) const {
    return barRectIn(layout(), bin, defect);
}

int ScoreHistogramView::thresholdX() const {
    const QRect plot = plotRect();
    return plot.isNull() ? -1 : xOf(plot, threshold_);
}

std::optional<ScoreHistogramView::Bar> ScoreHistogramView::barAt(const QPoint& pos) const {
    const Layout l = layout();
    for (int bin = 0; bin < kBins; ++bin) {
        for (const bool defect : {false, true}) {
            QRect hit = barRectIn(l, bin, defect);
            if (hit.isNull()) {
                continue;
            }
            hit.setTop(std::min(hit.top(), hit.bottom() + 1 - kMinHitHeight));
            if (hit.contains(pos)) {
                return Bar{bin, defect};
            }
        }
    }
    return std::nullopt;
}

QString ScoreHistogramView::barToolTip(int bin, bool defect) const {
    if (bin < 0 || bin >= kBins) {
        return {};
    }
    const std::int64_t n = count(bin, defect);
    const QString range = binRangeText(bin);
    if (defect) {
        return n == 1 ? tr("1 defect scores %1").arg(range)
                      : tr("%1 defects score %2").arg(n).arg(range);
    }
    return n == 1 ? tr("1 good part scores %1").arg(range)
                  : tr("%1 good parts score %2").arg(n).arg(range);
}

QRect ScoreHistogramView::valueBox(const Layout& l) const {
    const QFontMetrics metrics(font());
    const int width = metrics.horizontalAdvance(scoreText(threshold_)) + 2 * kBoxPadding;
    const int left =
        std::clamp(xOf(l.plot, threshold_) - width / 2, rect().left(), rect().right() + 1 - width);
    return {left, l.plot.bottom() + 2, width, metrics.height() + 2};
}

bool ScoreHistogramView::onThreshold(const QPoint& pos) const {
    const Layout l = layout();
    if (l.plot.isNull() || isEmpty()) {
        return false;
    }
    const bool nearLine = std::abs(pos.x() - xOf(l.plot, threshold_)) <= kGrab &&
                          pos.y() >= l.plot.top() && pos.y() <= l.plot.bottom() + kTick;
    return nearLine || valueBox(l).contains(pos);
}

double ScoreHistogramView::thresholdAtX(int x) const {
    const QRect plot = plotRect();
    if (plot.isNull()) {
        return threshold_;
    }
    // Snapped to the keyboard's step, so the figures read as the value shown.
    const double value = static_cast<double>(x - plot.left()) / plot.width();
    return std::clamp(std::round(value / kFineStep) * kFineStep, 0.0, 1.0);
}

void ScoreHistogramView::setHovered(std::optional<Bar> bar) {
    if (hovered_ != bar) {
        hovered_ = bar;
        update();
    }
}

QSize ScoreHistogramView::sizeHint() const {
    return {480, 240};
}

QSize ScoreHistogramView::minimumSizeHint() const {
    // The legend and axis rows grow with the font; the bars keep some height.
    const int rows = 2 * fontMetrics().height() + kGap + kTick + 2;
    return {240, std::max(120, 2 * kMargin + rows + 2 * kMinPlotHeight)};
}

bool ScoreHistogramView::event(QEvent* event) {
    if (event->type() != QEvent::ToolTip) {
        return QWidget::event(event);
    }
    const auto* help = static_cast<QHelpEvent*>(event);
    const Layout l = layout();
    if (const auto bar = barAt(help->pos())) {
        QToolTip::showText(help->globalPos(), barToolTip(bar->bin, bar->defect), this,
                           barRect(bar->bin, bar->defect));
    } else if (onThreshold(help->pos())) {
        QToolTip::showText(help->globalPos(),
                           tr("Threshold %1: drag it, or use Left/Right (with Shift in steps of "
                              "0.05); Home puts back the run's %2.")
                               .arg(scoreText(threshold_), QLocale().toString(kRunThreshold)),
                           this);
    } else if (!l.legend.isNull() && l.legend.contains(help->pos())) {
        QToolTip::showText(help->globalPos(),
                           tr("Green: good parts; red: defects. Parts in the shaded NG side, at "
                              "or above the threshold, are called defects."),
                           this);
    } else {
        return QWidget::event(event); // the widget's own tooltip, if it has one
    }
    return true;
}

void ScoreHistogramView::mousePressEvent(QMouseEvent* event) {
    pressedBar_.reset();
    grabbed_ = false;
    dragging_ = false;
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    event->accept();
    if (isEmpty()) {
        return;
    }
    const QPoint pos = event->position().toPoint();
    pressPos_ = pos;
    pressedBar_ = barAt(pos);
    grabbed_ = onThreshold(pos);
    grabOffset_ = pos.x() - thresholdX();
    // Off the bars the line moves at once; on a bar it waits to tell a drag from a click.
    dragging_ = grabbed_ && !pressedBar_;
}

void ScoreHistogramView::mouseMoveEvent(QMouseEvent* event) {
    const QPoint pos = event->position().toPoint();
    if (grabbed_ && !dragging_ && std::abs(pos.x() - pressPos_.x()) >= kClickSlop) {
        dragging_ = true;
        pressedBar_.reset();
    }
    if (dragging_) {
        setThreshold(thresholdAtX(pos.x() - grabOffset_));
        event->accept();
        return;
    }
    if (pressedBar_ && (pos - pressPos_).manhattanLength() > QApplication::startDragDistance()) {
        pressedBar_.reset(); // moved off: not a click
    }
    setHovered(barAt(pos));
    if (onThreshold(pos)) {
        setCursor(Qt::SizeHorCursor);
    } else {
        unsetCursor();
    }
    event->accept();
}

// A bar asks for its parts on release over it, like a button: dragging off cancels.
void ScoreHistogramView::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    const std::optional<Bar> pressed = std::exchange(pressedBar_, std::nullopt);
    const bool dragged = std::exchange(dragging_, false);
    grabbed_ = false;
    if (!dragged && pressed && barAt(event->position().toPoint()) == pressed) {
        emit barClicked(pressed->bin, pressed->defect);
    }
    event->accept();
}

// The first click of a double-click already asked for the bar; once is enough.
void ScoreHistogramView::mouseDoubleClickEvent(QMouseEvent* event) {
    event->accept();
}

void ScoreHistogramView::leaveEvent(QEvent* event) {
    setHovered(std::nullopt);
    QWidget::leaveEvent(event);
}

void ScoreHistogramView::keyPressEvent(QKeyEvent* event) {
    const Qt::KeyboardModifiers modifiers = event->modifiers() & ~Qt::KeypadModifier;
    if (isEmpty() || (modifiers != Qt::NoModifier && modifiers != Qt::ShiftModifier)) {
        QWidget::keyPressEvent(event);
        return;
    }
    const double step = modifiers == Qt::ShiftModifier ? kCoarseStep : kFineStep;
    switch (event->key()) {
    case Qt::Key_Left:
        setThreshold(threshold_ - step);
        break;
    case Qt::Key_Right:
        setThreshold(threshold_ + step);
        break;
    case Qt::Key_Home:
        setThreshold(kRunThreshold);
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void ScoreHistogramView::focusInEvent(QFocusEvent* event) {
    update(); // the threshold's value takes the highlight
    QWidget::focusInEvent(event);
}

void ScoreHistogramView::focusOutEvent(QFocusEvent* event) {
    update();
    QWidget::focusOutEvent(event);
}

void ScoreHistogramView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const Layout l = layout();
    if (isEmpty() || l.plot.isNull()) {
        paintEmpty(painter);
        return;
    }
    painter.fillRect(l.plot, palette().color(QPalette::Base));
    const int x = xOf(l.plot, threshold_);
    if (x <= l.plot.right()) {
        painter.fillRect(QRect(QPoint(x, l.plot.top()), l.plot.bottomRight()), kNgShade);
    }
    paintAxes(painter, l);
    paintBars(painter, l);
    paintThreshold(painter, l);
    paintLegend(painter, l);
}

void ScoreHistogramView::paintEmpty(QPainter& painter) const {
    painter.setPen(palette().color(QPalette::PlaceholderText));
    const QString text = isEmpty() ? tr("No anomaly scores to show.")
                                   : tr("Too small for the histogram: enlarge the panel.");
    painter.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, text);
}

void ScoreHistogramView::paintAxes(QPainter& painter, const Layout& l) const {
    const QFontMetrics metrics(font());
    const QLocale locale;
    const QColor text = palette().color(QPalette::WindowText);
    QColor grid = palette().color(QPalette::Mid);
    grid.setAlpha(90);

    // Counts up the left, with light lines across.
    for (std::int64_t n = 0; n <= l.axisMax; n += l.axisStep) {
        const int y = yOf(l, n);
        if (n > 0) {
            painter.setPen(grid);
            painter.drawLine(l.plot.left(), y, l.plot.right(), y);
        }
        painter.setPen(text);
        painter.drawLine(l.plot.left() - kTick, y, l.plot.left() - 1, y);
        const QRect label(rect().left(), y - metrics.height() / 2,
                          l.plot.left() - kTick - kGap - rect().left(), metrics.height());
        painter.drawText(label, Qt::AlignRight | Qt::AlignVCenter,
                         locale.toString(static_cast<qlonglong>(n)));
    }

    // Scores along the bottom; the threshold's value box covers the ticks' labels it meets.
    painter.setPen(text);
    painter.drawLine(l.plot.left(), l.plot.bottom() + 1, l.plot.right(), l.plot.bottom() + 1);
    const QRect box = valueBox(l).adjusted(-kGap, 0, kGap, 0);
    for (const double value : {0.0, 0.25, 0.5, 0.75, 1.0}) {
        const int x = std::min(xOf(l.plot, value), l.plot.right());
        painter.drawLine(x, l.plot.bottom() + 1, x, l.plot.bottom() + kTick);
        const QString label = locale.toString(value);
        const int width = metrics.horizontalAdvance(label);
        const QRect where(std::clamp(x - width / 2, rect().left(), rect().right() + 1 - width),
                          l.plot.bottom() + 1 + kTick, width, metrics.height());
        if (!where.intersects(box)) {
            painter.drawText(where, Qt::AlignCenter, label);
        }
    }
}

void ScoreHistogramView::paintBars(QPainter& painter, const Layout& l) const {
    for (int bin = 0; bin < kBins; ++bin) {
        for (const bool defect : {false, true}) {
            const QRect bar = barRectIn(l, bin, defect);
            if (!bar.isNull()) {
                painter.fillRect(bar, defect ? kDefectColor : kGoodColor);
            }
        }
    }
    if (hovered_) {
        const QRect bar = barRectIn(l, hovered_->bin, hovered_->defect);
        if (!bar.isNull()) {
            painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(bar.adjusted(0, 0, -1, -1));
        }
    }
}

void ScoreHistogramView::paintThreshold(QPainter& painter, const Layout& l) const {
    const QColor line = palette().color(QPalette::WindowText);
    // Where the run's own threshold is, once the line has left it.
    if (threshold_ != kRunThreshold) {
        QColor mark = line;
        mark.setAlpha(110);
        painter.setPen(QPen(mark, 1, Qt::DashLine));
        const int run = xOf(l.plot, kRunThreshold);
        painter.drawLine(run, l.plot.top(), run, l.plot.bottom());
    }
    const int x = xOf(l.plot, threshold_);
    painter.fillRect(QRect(x - 1, l.plot.top(), 2, l.plot.height() + kTick), line);

    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    QPainterPath handle; // a small flag pointing down the line
    handle.moveTo(x - kHandle, l.plot.top());
    handle.lineTo(x + kHandle, l.plot.top());
    handle.lineTo(x, l.plot.top() + kHeadroom - 1);
    handle.closeSubpath();
    painter.fillPath(handle, line);

    const bool focused = hasFocus();
    const QRect box = valueBox(l);
    painter.setPen(Qt::NoPen);
    painter.setBrush(focused ? palette().color(QPalette::Highlight) : line);
    painter.drawRoundedRect(box, 3, 3);
    painter.setPen(focused ? palette().color(QPalette::HighlightedText)
                           : palette().color(QPalette::Window));
    painter.drawText(box, Qt::AlignCenter, scoreText(threshold_));
    painter.restore();
}

void ScoreHistogramView::paintLegend(QPainter& painter, const Layout& l) const {
    const QFontMetrics metrics(font());
    const QColor text = palette().color(QPalette::WindowText);
    // What the left axis counts, when it fits beside the legend.
    const QString unit = tr("parts");
    const int unitRight = rect().left() + kMargin + metrics.horizontalAdvance(unit);
    if (l.legend.isNull() || unitRight + kLegendSpacing <= l.legend.left()) {
        painter.setPen(text);
        painter.drawText(QRect(rect().left() + kMargin, rect().top() + kMargin,
                               metrics.horizontalAdvance(unit), metrics.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, unit);
    }
    if (l.legend.isNull()) {
        return;
    }
    int x = l.legend.left();
    const auto key = [&](const QColor& fill, const QColor& border, const QString& name) {
        const QRect swatch(x, l.legend.center().y() - kSwatch / 2, kSwatch, kSwatch);
        painter.fillRect(swatch, fill);
        if (border.isValid()) {
            painter.setPen(border);
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(swatch.adjusted(0, 0, -1, -1));
        }
        x += kSwatch + kGap;
        const int width = metrics.horizontalAdvance(name);
        painter.setPen(text);
        painter.drawText(QRect(x, l.legend.top(), width, l.legend.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, name);
        x += width + kLegendSpacing;
    };
    key(kGoodColor, QColor(), tr("good"));
    key(kDefectColor, QColor(), tr("defect"));
    if (l.legendNg) {
        QColor border = kDefectColor;
        border.setAlpha(120);
        key(kNgShade, border, tr("NG"));
    }
}

} // namespace kestrel::widgets
