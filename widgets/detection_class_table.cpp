#include "detection_class_table.h"

#include <algorithm>
#include <array>

#include <QHeaderView>
#include <QLocale>
#include <QScrollBar>

namespace kestrel::widgets {

namespace {

constexpr int kMaxNameWidth = 180;

// Sorts by the stored number rather than the text; the summary row stays last.
class FigureItem : public QTableWidgetItem {
public:
    FigureItem(const QString& text, double key, bool summary) : QTableWidgetItem(text) {
        setData(Qt::UserRole, key);
        setData(Qt::UserRole + 1, summary);
        setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        if (summary) {
            QFont bold = font();
            bold.setBold(true);
            setFont(bold);
        }
    }

    bool operator<(const QTableWidgetItem& other) const override {
        const bool mine = data(Qt::UserRole + 1).toBool();
        const bool theirs = other.data(Qt::UserRole + 1).toBool();
        if (mine || theirs) {
            const QTableWidget* table = tableWidget();
            const bool ascending =
                !table || table->horizontalHeader()->sortIndicatorOrder() == Qt::AscendingOrder;
            return mine == theirs ? false : (ascending ? theirs : mine);
        }
        if (column() == DetectionClassTable::ClassColumn) {
            return text().localeAwareCompare(other.text()) < 0;
        }
        return data(Qt::UserRole).toDouble() < other.data(Qt::UserRole).toDouble();
    }
};

QString count(std::int64_t value) {
    return QLocale().toString(static_cast<qlonglong>(value));
}

QString figure(const std::optional<double>& value) {
    return value ? QLocale().toString(*value, 'f', 3) : DetectionClassTable::tr("–");
}

} // namespace

DetectionClassTable::DetectionClassTable(QWidget* parent) : QTableWidget(0, 7, parent) {
    setHorizontalHeaderLabels({tr("Class"), tr("AP50"), tr("AP"), tr("Drawn"), tr("Found"),
                               tr("Missed"), tr("False alarms")});
    const std::array<QString, 7> tips = {
        tr("The defect class"),
        tr("Average precision at IoU 0.50 (COCO's AP50): how well the boxes' scores rank true "
           "boxes above false ones"),
        tr("Average precision over IoU 0.50 to 0.95 (COCO's AP): how tight the boxes are too"),
        tr("Boxes of this class drawn on the validation images"),
        tr("Drawn boxes a box of the same class scoring the line's threshold covers (IoU 0.5)"),
        tr("Drawn boxes no box of any class covers: the escapes' cause"),
        tr("Boxes of this class scoring the line's threshold where nothing is drawn"),
    };
    for (int column = 0; column < columnCount(); ++column) {
        horizontalHeaderItem(column)->setToolTip(tips[static_cast<std::size_t>(column)]);
    }
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setAlternatingRowColors(true);
    setWordWrap(false);
    verticalHeader()->hide();
    QHeaderView* header = horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ClassColumn, QHeaderView::Interactive);
    header->setStretchLastSection(false);
    header->setSortIndicator(-1, Qt::AscendingOrder);
    header->setSortIndicatorClearable(true);
    setSortingEnabled(true);
    connect(header, &QHeaderView::sortIndicatorChanged, this, [this](int section) {
        if (section < 0) {
            fill(); // the sort was cleared: back to class order
        }
    });
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
    setSortingEnabled(false); // rows would be re-sorted while half filled
    setRowCount(0);
    if (matrix_.isEmpty() || matrix_.unit != ConfusionUnit::Boxes || matrix_.classCount() < 2) {
        setSortingEnabled(true);
        return;
    }
    const int background = matrix_.classCount() - 1;
    const auto addRow = [this](const std::array<QString, 7>& texts,
                               const std::array<double, 7>& keys,
                               const std::array<QString, 7>& tips, bool summary) {
        const int row = rowCount();
        insertRow(row);
        for (int column = 0; column < columnCount(); ++column) {
            const auto at = static_cast<std::size_t>(column);
            auto* item = new FigureItem(texts[at], keys[at], summary);
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
        addRow({name, figure(ap50), figure(ap), count(drawn), count(found), count(missed),
                count(alarms)},
               {0, ap50.value_or(-1), ap.value_or(-1), static_cast<double>(drawn),
                static_cast<double>(found), static_cast<double>(missed),
                static_cast<double>(alarms)},
               {name, ap50 ? tr("AP at IoU 0.50 of %1").arg(name) : noBoxes,
                ap ? tr("AP over IoU 0.50:0.95 of %1").arg(name) : noBoxes,
                tr("%1 %2 boxes drawn").arg(count(drawn), name),
                confused > 0 ? tr("%1 found as %2; %3 more found as another class")
                                   .arg(count(found), name, count(confused))
                             : tr("%1 found as %2").arg(count(found), name),
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
    addRow({summaryName(), figure(map50), figure(map), count(drawnSum), count(foundSum),
            count(missedSum), count(alarmSum)},
           {0, map50.value_or(-1), map.value_or(-1), static_cast<double>(drawnSum),
            static_cast<double>(foundSum), static_cast<double>(missedSum),
            static_cast<double>(alarmSum)},
           {summaryName(), tr("mAP50: the mean of the classes' AP50"),
            tr("mAP@[.50:.95]: the mean of the classes' AP"), sums, sums, sums, sums},
           true);
    setSortingEnabled(true); // re-applies the user's sort, if any
    resizeColumnToContents(ClassColumn);
    setColumnWidth(ClassColumn, std::min(columnWidth(ClassColumn), kMaxNameWidth));
    updateGeometry();
}

QSize DetectionClassTable::sizeHint() const {
    int width = 2 * frameWidth() + verticalScrollBar()->sizeHint().width();
    for (int column = 0; column < columnCount(); ++column) {
        width += std::max(horizontalHeader()->sectionSize(column),
                          horizontalHeader()->sectionSizeHint(column));
    }
    return {width, QTableWidget::sizeHint().height()};
}

} // namespace kestrel::widgets
