#include "detection_class_table.h"

#include "table_width.h"

#include <algorithm>
#include <array>

#include <QHeaderView>
#include <QLocale>
#include <QScrollBar>

namespace kestrel::widgets {

namespace {

constexpr int kShownRows = 12;

// A read-only cell; the summary row's in bold.
QTableWidgetItem* figureItem(const QString& text, bool summary) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    if (summary) {
        QFont bold = item->font();
        bold.setBold(true);
        item->setFont(bold);
    }
    return item;
}

QString count(std::int64_t value) {
    return QLocale().toString(static_cast<qlonglong>(value));
}

QString figure(const std::optional<double>& value) {
    return value ? QLocale().toString(*value, 'f', 3) : DetectionClassTable::tr("–");
}

} // namespace

DetectionClassTable::DetectionClassTable(QWidget* parent) : QTableWidget(0, 6, parent) {
    // In class order, as the matrix: no sorting, and no room kept for its indicator, so that
    // the six columns fit beside the matrix.
    setUpFigureTable(
        *this, {tr("Class"), tr("AP50"), tr("AP"), tr("Drawn"), tr("Missed"), tr("False\nalarms")},
        {tr("The defect class"),
         tr("Average precision at IoU 0.50 (COCO's AP50): how well the boxes' scores rank true "
            "boxes above false ones"),
         tr("Average precision over IoU 0.50 to 0.95 (COCO's AP): how tight the boxes are too"),
         tr("Boxes of this class drawn on the validation images; the tooltip says how many a "
            "box of the same class scoring the line's threshold covers (IoU 0.5)"),
         tr("Drawn boxes no box of any class covers: the escapes' cause"),
         tr("Boxes of this class scoring the line's threshold where nothing is drawn")});
}

QString DetectionClassTable::summaryName() {
    return tr("All");
}

void DetectionClassTable::setMatrix(const ConfusionData& confusion) {
    matrix_ = confusion;
    fill();
}

void DetectionClassTable::setFigures(const DetectionFigures& figures) {
    figures_ = figures;
    fill();
}

void DetectionClassTable::clear() {
    matrix_ = {};
    figures_ = {};
    fill();
}

void DetectionClassTable::fill() {
    setRowCount(0);
    if (matrix_.isEmpty() || matrix_.unit != ConfusionUnit::Boxes || matrix_.classCount() < 2) {
        return;
    }
    const int background = matrix_.classCount() - 1;
    const auto addRow = [this](const std::array<QString, 6>& texts,
                               const std::array<QString, 6>& tips, bool summary) {
        const int row = rowCount();
        insertRow(row);
        for (int column = 0; column < columnCount(); ++column) {
            const auto at = static_cast<std::size_t>(column);
            QTableWidgetItem* item = figureItem(texts[at], summary);
            if (column != ClassColumn) {
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            }
            item->setToolTip(tips[at]);
            setItem(row, column, item);
        }
    };
    std::int64_t drawnSum = 0;
    std::int64_t foundSum = 0;
    std::int64_t missedSum = 0;
    std::int64_t alarmSum = 0;
    double ap50Sum = 0;
    double apSum = 0;
    int withAp = 0;
    for (int c = 0; c < background; ++c) {
        const QString name = matrix_.classes.at(c);
        const ClassDetectionFigures* own = figures_.find(name);
        const std::optional<double> ap50 = own ? own->ap50 : std::nullopt;
        const std::optional<double> ap = own ? own->ap : std::nullopt;
        const std::int64_t drawn = matrix_.rowTotal(c);
        const std::int64_t found = matrix_.at(c, c);
        const std::int64_t missed = matrix_.at(c, background);
        const std::int64_t alarms = matrix_.at(background, c);
        const std::int64_t confused = drawn - found - missed;
        drawnSum += drawn;
        foundSum += found;
        missedSum += missed;
        alarmSum += alarms;
        if (ap50 && ap) {
            ap50Sum += *ap50;
            apSum += *ap;
            ++withAp;
        }
        const QString noBoxes = tr("No %1 boxes are drawn on the validation images.").arg(name);
        addRow({name, figure(ap50), figure(ap), count(drawn), count(missed), count(alarms)},
               {name, ap50 ? tr("AP at IoU 0.50 of %1").arg(name) : noBoxes,
                ap ? tr("AP over IoU 0.50:0.95 of %1").arg(name) : noBoxes,
                confused > 0
                    ? tr("%1 %2 boxes drawn: %3 found as %2, %4 as another class")
                          .arg(count(drawn), name, count(found), count(confused))
                    : tr("%1 %2 boxes drawn: %3 found as %2").arg(count(drawn), name, count(found)),
                tr("%1 of %2 drawn %3 boxes have no box over them")
                    .arg(count(missed), count(drawn), name),
                tr("%1 boxes predicted %2 where nothing is drawn").arg(count(alarms), name)},
               false);
    }
    const std::optional<double> map50 =
        withAp > 0 ? std::optional<double>(ap50Sum / withAp) : std::nullopt;
    const std::optional<double> map =
        withAp > 0 ? std::optional<double>(apSum / withAp) : std::nullopt;
    const QString sums = tr("Sums over the classes");
    addRow({summaryName(), figure(map50), figure(map), count(drawnSum), count(missedSum),
            count(alarmSum)},
           {summaryName(), tr("mAP50: the mean of the classes' AP50"),
            tr("mAP@[.50:.95]: the mean of the classes' AP"),
            tr("%1 boxes drawn, %2 found with their class").arg(count(drawnSum), count(foundSum)),
            sums, sums},
           true);
    resizeColumnsToContents(); // sizeHint() reads the widths now, not at the next layout
    fitNameColumn(*this);
    // Every row in sight when there is room (up to a dozen classes; more scroll), and at
    // least two in a small window.
    const int chrome = horizontalHeader()->sizeHint().height() + 2 * frameWidth() +
                       horizontalScrollBar()->sizeHint().height();
    const int row = verticalHeader()->defaultSectionSize();
    preferredHeight_ = chrome + std::min(rowCount(), kShownRows) * row;
    setMinimumHeight(chrome + std::min(rowCount(), 2) * row);
    updateGeometry();
}

QSize DetectionClassTable::sizeHint() const {
    return {wholeTableWidth(*this),
            preferredHeight_ > 0 ? preferredHeight_ : QTableWidget::sizeHint().height()};
}

} // namespace kestrel::widgets
