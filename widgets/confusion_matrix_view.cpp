#include "confusion_matrix_view.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <QFocusEvent>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QToolTip>

// The matrix's state, geometry and input; the painting is in confusion_matrix_view_paint.cpp.
namespace kestrel::widgets {

namespace {

constexpr int kMargin = 8;     // around everything
constexpr int kLegendGap = 14; // between the grid and the legend
constexpr int kMinCell = 2;    // below this the grid is not drawn at all

double ratio(std::int64_t part, std::int64_t whole) {
    return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

QString percent(double fraction) {
    // Never round a few mistakes away: 0.3% is "<1%", 99.7% is ">99%".
    if (fraction <= 0) {
        return ConfusionMatrixView::tr("0%");
    }
    if (fraction < 0.01) {
        return ConfusionMatrixView::tr("<1%");
    }
    if (fraction >= 1) {
        return ConfusionMatrixView::tr("100%");
    }
    if (fraction > 0.99) {
        return ConfusionMatrixView::tr(">99%");
    }
    return ConfusionMatrixView::tr("%1%").arg(std::lround(fraction * 100));
}

// "12 samples", or for a segmentation run's matrix "12 pixels", for a detector's "12 boxes".
QString samples(std::int64_t n, ConfusionUnit unit = ConfusionUnit::Samples) {
    const QString count = QLocale().toString(static_cast<qlonglong>(n));
    if (unit == ConfusionUnit::Pixels) {
        return n == 1 ? ConfusionMatrixView::tr("1 pixel")
                      : ConfusionMatrixView::tr("%1 pixels").arg(count);
    }
    if (unit == ConfusionUnit::Boxes) {
        return n == 1 ? ConfusionMatrixView::tr("1 box")
                      : ConfusionMatrixView::tr("%1 boxes").arg(count);
    }
    return n == 1 ? ConfusionMatrixView::tr("1 sample")
                  : ConfusionMatrixView::tr("%1 samples")
                        .arg(QLocale().toString(static_cast<qlonglong>(n)));
}

} // namespace

ConfusionMatrixView::ConfusionMatrixView(QWidget* parent) : QWidget(parent) {
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true); // hover highlight
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAccessibleName(tr("Confusion matrix"));
}

void ConfusionMatrixView::setMatrix(const ConfusionData& confusion) {
    data_ = confusion;
    const int n = data_.isEmpty() ? 0 : data_.classCount();
    const auto inside = [n](const std::optional<Cell>& cell) {
        return cell && cell->first < n && cell->second < n;
    };
    if (!inside(current_)) {
        current_.reset();
    }
    if (!inside(hovered_)) {
        hovered_.reset();
    }
    pressed_.reset();
    updateGeometry();
    update();
}

void ConfusionMatrixView::clear() {
    setMatrix(ConfusionData{});
}

void ConfusionMatrixView::setNormalized(bool normalized) {
    if (normalized == normalized_) {
        return;
    }
    normalized_ = normalized;
    update();
    emit normalizedChanged(normalized_);
}

QString ConfusionMatrixView::emptyHint() {
    return tr("No confusion matrix yet: it appears after the first validation.");
}

int ConfusionMatrixView::nameWidth() const {
    // Bold, as the hovered cell's names are drawn; the slack absorbs rounding in elision.
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics metrics(bold);
    int widest = 0;
    for (const QString& name : data_.classes) {
        widest = std::max(widest, metrics.horizontalAdvance(name));
    }
    return widest + 2;
}

QString ConfusionMatrixView::legendMaximumText() const {
    return normalized_ ? tr("100%") : QLocale().toString(static_cast<qlonglong>(data_.maxCount()));
}

ConfusionMatrixView::Layout ConfusionMatrixView::layout() const {
    Layout l;
    if (data_.isEmpty()) {
        return l;
    }
    const int n = data_.classCount();
    const QFontMetrics metrics(font());
    const QRect area = rect().adjusted(kMargin, kMargin, -kMargin, -kMargin);
    const int title = metrics.height() + kGap;
    const int names = nameWidth() + kGap;
    const int rowLabelWidth = std::min(names, std::max(48, area.width() / 4));
    int legendWidth = 0;
    if (area.width() >= 300) {
        const int scale = 2 * kBarWidth + 2 + kGap + metrics.horizontalAdvance(legendMaximumText());
        const int key = kBarWidth + kGap +
                        std::max(metrics.horizontalAdvance(tr("correct")),
                                 metrics.horizontalAdvance(tr("confused")));
        legendWidth = kLegendGap + std::max(scale, key);
    }
    const int availableWidth = area.width() - title - rowLabelWidth - legendWidth;
    const auto cellFor = [&](int columnLabelHeight) {
        const int availableHeight = area.height() - title - columnLabelHeight;
        return std::max(0, std::min(availableWidth, availableHeight) / n);
    };
    // Names run across when every one fits its column, else they are turned upright.
    const int flat = metrics.height() + kGap;
    int columnLabelHeight = std::max(flat, std::min(names, std::max(48, area.height() / 4)));
    l.rotatedColumns = names > cellFor(flat);
    if (!l.rotatedColumns) {
        columnLabelHeight = flat;
    }
    l.cell = cellFor(columnLabelHeight);
    if (l.cell < kMinCell) {
        l.cell = 0;
        return l;
    }
    const int side = l.cell * n;
    const int left =
        area.left() + (area.width() - (title + rowLabelWidth + side + legendWidth)) / 2;
    const int top = area.top() + (area.height() - (title + columnLabelHeight + side)) / 2;
    const int gridTop = top + title + columnLabelHeight;
    l.rowTitle = QRect(left, gridTop, title, side);
    l.rowLabels = QRect(left + title, gridTop, rowLabelWidth, side);
    l.grid = QRect(left + title + rowLabelWidth, gridTop, side, side);
    l.columnTitle = QRect(l.grid.left(), top, side, title);
    l.columnLabels = QRect(l.grid.left(), top + title, side, columnLabelHeight);
    if (legendWidth > 0) {
        l.legend = QRect(l.grid.right() + 1 + kLegendGap, gridTop, legendWidth - kLegendGap, side);
    }
    return l;
}

std::optional<ConfusionMatrixView::Cell> ConfusionMatrixView::cellAt(const QPoint& pos) const {
    const Layout l = layout();
    if (l.cell == 0 || !l.grid.contains(pos)) {
        return std::nullopt;
    }
    return Cell{(pos.y() - l.grid.top()) / l.cell, (pos.x() - l.grid.left()) / l.cell};
}

QRect ConfusionMatrixView::cellRect(int trueClass, int predictedClass) const {
    const Layout l = layout();
    const int n = data_.classCount();
    if (l.cell == 0 || trueClass < 0 || predictedClass < 0 || trueClass >= n ||
        predictedClass >= n) {
        return {};
    }
    return {l.grid.left() + predictedClass * l.cell, l.grid.top() + trueClass * l.cell, l.cell,
            l.cell};
}

QString ConfusionMatrixView::cellText(int trueClass, int predictedClass) const {
    const int n = data_.classCount();
    if (data_.isEmpty() || trueClass < 0 || predictedClass < 0 || trueClass >= n ||
        predictedClass >= n) {
        return {};
    }
    const std::int64_t count = data_.at(trueClass, predictedClass);
    if (!normalized_ && data_.unit == ConfusionUnit::Pixels && count >= 10000) {
        // Pixel counts run to millions and would not fit a cell; the tooltip has them exactly.
        return count >= 1000000 ? tr("%1M").arg(static_cast<double>(count) / 1e6, 0, 'f', 1)
                                : tr("%1k").arg(count / 1000);
    }
    if (!normalized_) {
        return QLocale().toString(static_cast<qlonglong>(count));
    }
    const std::int64_t row = data_.rowTotal(trueClass);
    return row > 0 ? percent(ratio(count, row)) : tr("–"); // a class with no samples
}

QString ConfusionMatrixView::cellToolTip(int trueClass, int predictedClass) const {
    if (cellText(trueClass, predictedClass).isEmpty()) {
        return {};
    }
    const QString truth = data_.classes.at(trueClass);
    const QString predicted = data_.classes.at(predictedClass);
    const std::int64_t count = data_.at(trueClass, predictedClass);
    const std::int64_t row = data_.rowTotal(trueClass);
    const int background = data_.classCount() - 1; // a detector's last row and column
    if (data_.unit == ConfusionUnit::Boxes && trueClass == background) {
        return tr("False alarms: %1 predicted %2 where nothing is drawn")
            .arg(samples(count, data_.unit), predicted);
    }
    if (data_.unit == ConfusionUnit::Boxes && predictedClass == background) {
        return tr("Misses: %1 of %2 not found (%3 of %2)")
            .arg(samples(count, data_.unit), truth, percent(ratio(count, row)));
    }
    if (row == 0) {
        return tr("True %1, predicted %2: %3 (no %1 samples)")
            .arg(truth, predicted, samples(count, data_.unit));
    }
    return tr("True %1, predicted %2: %3 (%4 of %1)")
        .arg(truth, predicted, samples(count, data_.unit), percent(ratio(count, row)));
}

QFont ConfusionMatrixView::cellFont(int cell) const {
    QFont cellFont = font();
    if (QFontMetrics(cellFont).height() + kGap > cell) {
        cellFont.setPixelSize(std::max(kMinTextPixels, (cell - kGap) * 3 / 4));
    }
    return cellFont;
}

bool ConfusionMatrixView::isCellTextShown() const {
    const Layout l = layout();
    return l.cell > 0 && QFontMetrics(cellFont(l.cell)).height() + 2 <= l.cell;
}

void ConfusionMatrixView::setCurrentCell(int trueClass, int predictedClass) {
    const int n = data_.isEmpty() ? 0 : data_.classCount();
    if (trueClass < 0 || predictedClass < 0 || trueClass >= n || predictedClass >= n) {
        return;
    }
    const Cell cell{trueClass, predictedClass};
    if (current_ != cell) {
        current_ = cell;
        setAccessibleDescription(cellToolTip(trueClass, predictedClass));
        update();
    }
}

void ConfusionMatrixView::setHovered(std::optional<Cell> cell) {
    if (hovered_ != cell) {
        hovered_ = cell;
        update();
    }
}

void ConfusionMatrixView::moveCurrent(int rowStep, int columnStep) {
    if (!current_) {
        setCurrentCell(0, 0); // the first arrow press lands on the first cell
    } else {
        const int last = data_.classCount() - 1;
        setCurrentCell(std::clamp(current_->first + rowStep, 0, last),
                       std::clamp(current_->second + columnStep, 0, last));
    }
}

QSize ConfusionMatrixView::sizeHint() const {
    if (data_.isEmpty()) {
        return {480, 360};
    }
    const QFontMetrics metrics(font());
    const int n = data_.classCount();
    const int side = n * std::clamp(560 / n, 16, 56);
    const int labels = std::min(nameWidth() + kGap, 160);
    const int title = metrics.height() + kGap;
    const int legend = kLegendGap + 3 * kBarWidth + metrics.horizontalAdvance(tr("confused"));
    return {std::min(2 * kMargin + title + labels + side + legend, 1000),
            std::min(2 * kMargin + title + labels + side, 900)};
}

QSize ConfusionMatrixView::minimumSizeHint() const {
    return {240, 180};
}

QString ConfusionMatrixView::labelToolTip(const QPoint& pos, const Layout& l) const {
    if (l.cell == 0) {
        return {};
    }
    if (l.rowLabels.contains(pos)) {
        const int row = (pos.y() - l.grid.top()) / l.cell;
        return tr("True class %1: %2")
            .arg(data_.classes.at(row), samples(data_.rowTotal(row), data_.unit));
    }
    if (l.columnLabels.contains(pos)) {
        const int column = (pos.x() - l.grid.left()) / l.cell;
        return tr("Predicted as %1: %2")
            .arg(data_.classes.at(column), samples(data_.columnTotal(column), data_.unit));
    }
    if (l.rowTitle.contains(pos) || l.columnTitle.contains(pos)) {
        return tr("Rows are the samples' true classes, columns the classes the model predicted.");
    }
    if (l.legend.contains(pos)) {
        return normalized_ ? tr("Blue: correct predictions; orange: confusions. The darker, the "
                                "larger the share of the true class's samples.")
                           : tr("Blue: correct predictions; orange: confusions. The darker, the "
                                "more samples.");
    }
    return {};
}

bool ConfusionMatrixView::event(QEvent* event) {
    if (event->type() != QEvent::ToolTip) {
        return QWidget::event(event);
    }
    const auto* help = static_cast<QHelpEvent*>(event);
    if (const auto cell = cellAt(help->pos())) {
        QToolTip::showText(help->globalPos(), cellToolTip(cell->first, cell->second), this,
                           cellRect(cell->first, cell->second));
    } else if (const QString text = labelToolTip(help->pos(), layout()); !text.isEmpty()) {
        QToolTip::showText(help->globalPos(), text, this);
    } else {
        QToolTip::hideText();
        event->ignore();
    }
    return true;
}

void ConfusionMatrixView::mouseMoveEvent(QMouseEvent* event) {
    setHovered(cellAt(event->position().toPoint()));
}

void ConfusionMatrixView::mousePressEvent(QMouseEvent* event) {
    pressed_.reset();
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    pressed_ = cellAt(event->position().toPoint());
    if (pressed_) {
        setCurrentCell(pressed_->first, pressed_->second);
    }
}

// Activates on release over the pressed cell, like a button: dragging off cancels.
void ConfusionMatrixView::mouseReleaseEvent(QMouseEvent* event) {
    const std::optional<Cell> pressed = std::exchange(pressed_, std::nullopt);
    if (event->button() == Qt::LeftButton && pressed &&
        cellAt(event->position().toPoint()) == pressed) {
        emit cellActivated(pressed->first, pressed->second);
    }
}

// The first click of a double-click already activated the cell; once is enough.
void ConfusionMatrixView::mouseDoubleClickEvent(QMouseEvent* event) {
    event->accept();
}

void ConfusionMatrixView::leaveEvent(QEvent* event) {
    setHovered(std::nullopt);
    QWidget::leaveEvent(event);
}

void ConfusionMatrixView::keyPressEvent(QKeyEvent* event) {
    if (data_.isEmpty() || (event->modifiers() & ~Qt::KeypadModifier) != Qt::NoModifier) {
        QWidget::keyPressEvent(event);
        return;
    }
    const int last = data_.classCount() - 1;
    const Cell at = current_.value_or(Cell{0, 0});
    switch (event->key()) {
    case Qt::Key_Left:
        moveCurrent(0, -1);
        break;
    case Qt::Key_Right:
        moveCurrent(0, 1);
        break;
    case Qt::Key_Up:
        moveCurrent(-1, 0);
        break;
    case Qt::Key_Down:
        moveCurrent(1, 0);
        break;
    case Qt::Key_Home:
        setCurrentCell(at.first, 0);
        break;
    case Qt::Key_End:
        setCurrentCell(at.first, last);
        break;
    case Qt::Key_PageUp:
        setCurrentCell(0, at.second);
        break;
    case Qt::Key_PageDown:
        setCurrentCell(last, at.second);
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Space:
        if (current_) {
            emit cellActivated(current_->first, current_->second);
        }
        return;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    // Keyboard users get the hover text too.
    const QRect cell = cellRect(current_->first, current_->second);
    if (!cell.isNull()) {
        QToolTip::showText(mapToGlobal(cell.center()),
                           cellToolTip(current_->first, current_->second), this, cell);
    }
}

void ConfusionMatrixView::focusInEvent(QFocusEvent* event) {
    if (!current_ && !data_.isEmpty()) {
        setCurrentCell(0, 0);
    }
    update();
    QWidget::focusInEvent(event);
}

void ConfusionMatrixView::focusOutEvent(QFocusEvent* event) {
    update();
    QWidget::focusOutEvent(event);
}

} // namespace kestrel::widgets
