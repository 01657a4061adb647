#include "confusion_matrix_view.h"

#include <algorithm>
#include <cmath>

#include <QLinearGradient>
#include <QPainter>

namespace kestrel::widgets {

namespace {

// Any non-zero cell gets at least this much colour, so a single confusion never looks empty.
constexpr double kMinimumShade = 0.12;

QColor correctColor() {
    return {8, 48, 107};
} // deep blue
QColor confusedColor() {
    return {191, 54, 12};
} // deep orange-red

QColor whiteTo(const QColor& end, double t) {
    const auto channel = [t](int to) {
        return static_cast<int>(std::lround(255 + (to - 255) * t));
    };
    return {channel(end.red()), channel(end.green()), channel(end.blue())};
}

// Dark text on light cells, white on dark ones.
QColor textOn(const QColor& fill) {
    const double luminance = 0.299 * fill.red() + 0.587 * fill.green() + 0.114 * fill.blue();
    return luminance < 140 ? QColor(Qt::white) : QColor(32, 32, 32);
}

double ratio(std::int64_t part, std::int64_t whole) {
    return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

} // namespace

double ConfusionMatrixView::shade(int trueClass, int predictedClass) const {
    const std::int64_t count = data_.at(trueClass, predictedClass);
    if (count <= 0) {
        return 0;
    }
    const double t =
        normalized_ ? ratio(count, data_.rowTotal(trueClass)) : ratio(count, data_.maxCount());
    return std::clamp(t, kMinimumShade, 1.0);
}

void ConfusionMatrixView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const Layout l = layout();
    if (data_.isEmpty() || l.cell == 0) {
        paintEmpty(painter);
        return;
    }
    paintGrid(painter, l);
    paintLabels(painter, l);
    paintLegend(painter, l);
}

void ConfusionMatrixView::paintEmpty(QPainter& painter) const {
    painter.setPen(palette().color(QPalette::PlaceholderText));
    const QString text =
        data_.isEmpty() ? emptyHint() : tr("Too many classes for this size: enlarge the panel.");
    painter.drawText(rect().adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap, text);
}

void ConfusionMatrixView::paintGrid(QPainter& painter, const Layout& l) const {
    const int n = data_.classCount();
    const QFont textFont = cellFont(l.cell);
    const QFontMetrics textMetrics(textFont);
    const bool withText = isCellTextShown();
    painter.setFont(textFont);
    for (int row = 0; row < n; ++row) {
        for (int column = 0; column < n; ++column) {
            const QRect cell = cellRect(row, column);
            const QColor fill =
                whiteTo(row == column ? correctColor() : confusedColor(), shade(row, column));
            painter.fillRect(cell, fill);
            const QString text = cellText(row, column);
            if (withText && textMetrics.horizontalAdvance(text) <= l.cell - kGap) {
                // Zeros in grey, so the eye goes to the counts that matter.
                painter.setPen(data_.at(row, column) == 0 ? QColor(150, 150, 150) : textOn(fill));
                painter.drawText(cell, Qt::AlignCenter, text);
            }
        }
    }
    if (l.cell >= 6) {
        painter.setPen(QColor(0, 0, 0, 28));
        for (int i = 1; i < n; ++i) {
            const int x = l.grid.left() + i * l.cell;
            const int y = l.grid.top() + i * l.cell;
            painter.drawLine(x, l.grid.top(), x, l.grid.bottom());
            painter.drawLine(l.grid.left(), y, l.grid.right(), y);
        }
    }
    painter.setPen(palette().color(QPalette::Mid));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(l.grid.adjusted(0, 0, -1, -1));
    if (hovered_) {
        painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
        painter.drawRect(cellRect(hovered_->first, hovered_->second).adjusted(1, 1, -1, -1));
    }
    if (current_ && hasFocus()) {
        const int inset = l.cell >= 10 ? 3 : 0;
        const QRect cell = cellRect(current_->first, current_->second);
        painter.setPen(
            QPen(textOn(whiteTo(correctColor(), shade(current_->first, current_->second))), 1,
                 Qt::DashLine));
        painter.drawRect(cell.adjusted(inset, inset, -inset - 1, -inset - 1));
    }
}

void ConfusionMatrixView::paintLabels(QPainter& painter, const Layout& l) const {
    const int n = data_.classCount();
    QFont labelFont = font();
    if (QFontMetrics(labelFont).height() > l.cell) {
        labelFont.setPixelSize(std::max(kMinTextPixels, l.cell * 3 / 4));
    }
    // With tiny cells only every step-th name is written, so names never overlap; the hovered
    // cell's names are always written, in bold.
    const int step = std::max(1, (QFontMetrics(labelFont).height() + l.cell - 1) / l.cell);
    const int hotRow = hovered_ ? hovered_->first : -1;
    const int hotColumn = hovered_ ? hovered_->second : -1;
    painter.setPen(palette().color(QPalette::WindowText));
    const auto useFont = [&](bool bold) {
        QFont f = labelFont;
        f.setBold(bold);
        painter.setFont(f);
        return QFontMetrics(f);
    };
    for (int i = 0; i < n; ++i) {
        const int offset = i * l.cell;
        if (i % step == 0 || i == hotRow) {
            const QFontMetrics metrics = useFont(i == hotRow);
            const QRect row(l.rowLabels.left(), l.grid.top() + offset, l.rowLabels.width() - kGap,
                            l.cell);
            painter.drawText(row, Qt::AlignRight | Qt::AlignVCenter,
                             metrics.elidedText(data_.classes.at(i), Qt::ElideRight, row.width()));
        }
        if (i % step == 0 || i == hotColumn) {
            const QFontMetrics metrics = useFont(i == hotColumn);
            const int length = l.rotatedColumns ? l.columnLabels.height() - kGap : l.cell;
            const QString name = metrics.elidedText(data_.classes.at(i), Qt::ElideRight, length);
            if (l.rotatedColumns) { // reads bottom to top, ending at the grid
                painter.save();
                painter.translate(l.grid.left() + offset + l.cell / 2,
                                  l.columnLabels.bottom() - kGap);
                painter.rotate(-90);
                painter.drawText(QRect(0, -l.cell / 2, length, l.cell),
                                 Qt::AlignLeft | Qt::AlignVCenter, name);
                painter.restore();
            } else {
                painter.drawText(QRect(l.grid.left() + offset, l.columnLabels.top(), l.cell,
                                       l.columnLabels.height()),
                                 Qt::AlignHCenter | Qt::AlignBottom, name);
            }
        }
    }
    QFont titleFont = font();
    titleFont.setBold(true);
    painter.setFont(titleFont);
    const QFontMetrics titleMetrics(titleFont);
    painter.drawText(l.columnTitle, Qt::AlignCenter,
                     titleMetrics.elidedText(tr("Predicted"), Qt::ElideRight, l.grid.width()));
    painter.save();
    painter.translate(l.rowTitle.left(), l.rowTitle.bottom());
    painter.rotate(-90);
    painter.drawText(QRect(0, 0, l.rowTitle.height(), l.rowTitle.width()), Qt::AlignCenter,
                     titleMetrics.elidedText(tr("True"), Qt::ElideRight, l.rowTitle.height()));
    painter.restore();
}

void ConfusionMatrixView::paintLegend(QPainter& painter, const Layout& l) const {
    const QFontMetrics metrics(font());
    const int line = metrics.height();
    if (l.legend.isNull() || l.legend.height() < 2 * line + 20) {
        return;
    }
    painter.setFont(font());
    painter.setPen(palette().color(QPalette::WindowText));
    int top = l.legend.top();
    if (l.legend.height() >= 4 * line + 40) { // room for the key above the bars
        const auto key = [&](const QColor& color, const QString& text) {
            painter.fillRect(
                QRect(l.legend.left(), top + (line - kBarWidth) / 2, kBarWidth, kBarWidth), color);
            painter.drawText(QRect(l.legend.left() + kBarWidth + kGap, top, l.legend.width(), line),
                             Qt::AlignLeft | Qt::AlignVCenter, text);
            top += line;
        };
        key(correctColor(), tr("correct"));
        key(confusedColor(), tr("confused"));
        top += kGap;
    }
    // Half a line above and below, so the scale's end labels centre on the bars' ends.
    const QRect bars(l.legend.left(), top + line / 2, 2 * kBarWidth + 2,
                     l.legend.bottom() - top - line + 1);
    const QColor ends[] = {correctColor(), confusedColor()};
    for (int i = 0; i < 2; ++i) {
        const QRect bar(bars.left() + i * (kBarWidth + 2), bars.top(), kBarWidth, bars.height());
        QLinearGradient gradient(bar.bottomLeft(), bar.topLeft());
        gradient.setColorAt(0, Qt::white);
        gradient.setColorAt(1, ends[i]);
        painter.fillRect(bar, gradient);
        painter.setPen(palette().color(QPalette::Mid));
        painter.drawRect(bar.adjusted(0, 0, -1, -1));
    }
    painter.setPen(palette().color(QPalette::WindowText));
    const int textLeft = bars.right() + 1 + kGap;
    const int textWidth = l.legend.right() - textLeft + 1;
    painter.drawText(QRect(textLeft, bars.top() - line / 2, textWidth, line),
                     Qt::AlignLeft | Qt::AlignVCenter, legendMaximumText());
    painter.drawText(QRect(textLeft, bars.bottom() - line / 2, textWidth, line),
                     Qt::AlignLeft | Qt::AlignVCenter, normalized_ ? tr("0%") : tr("0"));
}

} // namespace kestrel::widgets
