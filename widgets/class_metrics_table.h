#pragma once

#include "confusion_data.h"

#include <QTableWidget>

namespace kestrel::widgets {

// Precision, recall, F1 and support per class, computed from a confusion matrix, with a last
// bold "All (macro)" row of unweighted means and the total support; its tooltip gives the
// accuracy. Read-only. Clicking a header sorts (a third click restores class order); the
// "All (macro)" row always stays last.
class ClassMetricsTable : public QTableWidget {
    Q_OBJECT
public:
    enum Column { ClassColumn, PrecisionColumn, RecallColumn, F1Column, SupportColumn };

    explicit ClassMetricsTable(QWidget* parent = nullptr);

    void setMatrix(const ConfusionData& confusion);
    void clear();
    const ConfusionData& matrix() const { return data_; }

    // "All (macro)"
    static QString summaryName();

    QSize sizeHint() const override; // wide enough for every column

private:
    void fill();

    ConfusionData data_;
};

} // namespace kestrel::widgets
