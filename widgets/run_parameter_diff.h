#pragma once

#include "run_row.h"

#include <vector>

#include <QWidget>

class QLabel;
class QTableWidget;

namespace kestrel::widgets {

// The "Compare" box of the runs view: every parameter of one run, or only those that differ
// between several, a column a run, with a note saying how many were left out as equal.
class RunParameterDiff : public QWidget {
    Q_OBJECT
public:
    explicit RunParameterDiff(QWidget* parent = nullptr);

    // A column a run, in the given order; none: a hint to select some. Keeps the scroll place.
    void showRuns(const std::vector<const RunRow*>& runs);

protected:
    // Long names ("augment.color_jitter_brightness") give up width to the values: the name
    // column takes at most about half the table, its names elided from the left.
    void resizeEvent(QResizeEvent* event) override;
    // The runs' columns share the table's viewport rather than one long value pushing the
    // others out; refitted whenever it resizes, which also happens without this widget
    // resizing (a vertical scroll bar appearing).
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void elideNames(); // to the name column's width, from the left: the ends differ
    void fitColumns(); // each run's column to its values, or an equal share when they crowd

    QTableWidget* table_ = nullptr;
    QStringList names_; // the rows' whole names
    QLabel* note_ = nullptr;
};

} // namespace kestrel::widgets
