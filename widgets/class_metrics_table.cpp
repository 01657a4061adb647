#include "class_metrics_table.h"

#include "table_width.h"

#include <algorithm>

#include <QHeaderView>
#include <QLocale>

namespace kestrel::widgets {

namespace {

constexpr int kSortRole = Qt::UserRole;
constexpr int kSummaryRole = Qt::UserRole + 1;

// Sorts by the stored value rather than the text, and keeps the summary row last whichever
// way the column is sorted.
class MetricsItem : public QTableWidgetItem {
public:
    MetricsItem(const QString& text, const QVariant& sortKey, bool summary)
        : QTableWidgetItem(text) {
        setData(kSortRole, sortKey);
        setData(kSummaryRole, summary);
        setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        if (summary) {
            QFont bold = font();
            bold.setBold(true);
            setFont(bold);
        }
    }

    bool operator<(const QTableWidgetItem& other) const override {
        const bool mine = data(kSummaryRole).toBool();
        const bool theirs = other.data(kSummaryRole).toBool();
        if (mine || theirs) {
            if (mine == theirs) {
                return false;
            }
            // Qt sorts descending with "other < this", so the summary must then be smallest.
            return ascending() ? theirs : mine;
        }
        if (column() == ClassMetricsTable::ClassColumn) {
            return data(kSortRole).toString().localeAwareCompare(other.data(kSortRole).toString()) <
                   0;
        }
        return data(kSortRole).toDouble() < other.data(kSortRole).toDouble();
    }

private:
    bool ascending() const {
        // The header's indicator is set before the model sorts (header clicks, sortByColumn).
        const QTableWidget* table = tableWidget();
        return !table || table->horizontalHeader()->sortIndicatorOrder() == Qt::AscendingOrder;
    }
};

QString figure(double value) {
    return QLocale().toString(value, 'f', 3);
}

QString count(std::int64_t value) {
    return QLocale().toString(static_cast<qlonglong>(value));
}

} // namespace

ClassMetricsTable::ClassMetricsTable(QWidget* parent) : QTableWidget(0, 5, parent) {
    setUpFigureTable(*this, {tr("Class"), tr("Precision"), tr("Recall"), tr("F1"), tr("Support")},
                     {tr("The true class"),
                      tr("Of the samples predicted as this class, the share that truly are"),
                      tr("Of this class's samples, the share the model recognised"),
                      tr("Harmonic mean of precision and recall"),
                      tr("How many samples of this class were evaluated")});
    QHeaderView* header = horizontalHeader();
    // No indicator at first: rows in class order until the user sorts.
    header->setSortIndicator(-1, Qt::AscendingOrder);
    header->setSortIndicatorClearable(true);
    setSortingEnabled(true);
    connect(header, &QHeaderView::sortIndicatorChanged, this, [this](int section) {
        if (section < 0) {
            fill(); // the sort was cleared: back to class order
        }
    });
}

QString ClassMetricsTable::summaryName() {
    return tr("All (macro)");
}

void ClassMetricsTable::setMatrix(const ConfusionData& confusion) {
    data_ = confusion;
    fill();
}

void ClassMetricsTable::clear() {
    setMatrix(ConfusionData{});
}

void ClassMetricsTable::fill() {
    setSortingEnabled(false); // rows would be re-sorted while half filled
    setRowCount(0);
    const std::vector<ClassFigures> figures = classFigures(data_);
    if (figures.empty()) {
        setSortingEnabled(true);
        return;
    }
    const auto addRow = [this](const ClassFigures& f, const QStringList& tips, bool summary) {
        const int row = rowCount();
        insertRow(row);
        const auto right = Qt::AlignRight | Qt::AlignVCenter;
        const auto put = [&](int column, const QString& text, const QVariant& key) {
            auto* item = new MetricsItem(text, key, summary);
            if (column != ClassColumn) {
                item->setTextAlignment(right);
            }
            item->setToolTip(tips.at(tips.size() == 1 ? 0 : column));
            setItem(row, column, item);
        };
        put(ClassColumn, f.name, f.name);
        put(PrecisionColumn, figure(f.precision), f.precision);
        put(RecallColumn, figure(f.recall), f.recall);
        put(F1Column, figure(f.f1), f.f1);
        put(SupportColumn, count(f.support), static_cast<double>(f.support));
    };
    for (int c = 0; c < data_.classCount(); ++c) {
        const ClassFigures& f = figures[static_cast<std::size_t>(c)];
        const std::int64_t hits = data_.at(c, c);
        const std::int64_t predicted = data_.columnTotal(c);
        const QString precisionTip =
            predicted == 0
                ? tr("Nothing was predicted as %1, so its precision counts as 0.").arg(f.name)
                : tr("%1 of %2 predictions of %3 were right.")
                      .arg(count(hits), count(predicted), f.name);
        const QString recallTip =
            f.support == 0
                ? tr("No %1 samples were evaluated, so its recall counts as 0.").arg(f.name)
                : tr("%1 of %2 %3 samples were recognised.")
                      .arg(count(hits), count(f.support), f.name);
        addRow(f,
               {f.name, precisionTip, recallTip, tr("Harmonic mean of precision and recall"),
                tr("%1 samples of %2 were evaluated.").arg(count(f.support), f.name)},
               false);
    }
    ClassFigures mean = macroAverage(figures);
    mean.name = summaryName();
    addRow(mean,
           {tr("Means over the classes, each class counting equally; accuracy %1 (%2 of %3 "
               "samples right).")
                .arg(figure(accuracy(data_)), count(data_.correct()), count(data_.total()))},
           true);
    setSortingEnabled(true); // re-applies the user's sort, if any
    fitNameColumn(*this);
    updateGeometry();
}

QSize ClassMetricsTable::sizeHint() const {
    return {wholeTableWidth(*this), QTableWidget::sizeHint().height()};
}

} // namespace kestrel::widgets
