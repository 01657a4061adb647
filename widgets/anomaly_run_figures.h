#pragma once

#include "run_row.h"

#include <vector>

#include <QTableWidget>

namespace kestrel::widgets {

// The figures of anomaly-detection runs side by side, one column per run, in place of the
// training curves a fit does not have: the method, backbone and memory, the threshold, and
// image AUROC, pixel AUROC, PRO, F1, escape and false-reject rates on validation and test.
// A figure a run lacks (pixel figures without masks) shows a dash.
class AnomalyRunFigures : public QTableWidget {
    Q_OBJECT
public:
    explicit AnomalyRunFigures(QWidget* parent = nullptr);

    void setRuns(const std::vector<RunRow>& runs);
    // The shown text of figure `row` for the run in `column`, for tests.
    QString figure(int row, int column) const;
};

} // namespace kestrel::widgets
