#pragma once

#include "confusion_data.h"
#include "detection_figures.h"

#include <QTableWidget>

namespace kestrel::widgets {

// A detector's figures per defect class: AP at IoU 0.50 and over 0.50:0.95 (from the
// evaluation), and from the box matrix the boxes drawn (the tooltip says how many were found
// with their class), missed, and the false alarms (boxes of the class where nothing is drawn).
// A last bold "All" row has the means of the APs, as mAP, and the sums. Read-only, in the
// matrix's class order.
class DetectionClassTable : public QTableWidget {
    Q_OBJECT
public:
    enum Column { ClassColumn, Ap50Column, ApColumn, DrawnColumn, MissedColumn, FalseAlarmColumn };

    explicit DetectionClassTable(QWidget* parent = nullptr);

    // The matrix counts boxes, with "background" as its last class.
    void setMatrix(const ConfusionData& confusion);
    void setFigures(const DetectionFigures& figures);
    void clear();

    static QString summaryName(); // "All"

    QSize sizeHint() const override; // wide enough for every column, high enough for every row

private:
    void fill();

    ConfusionData matrix_;
    DetectionFigures figures_;
    int preferredHeight_ = 0; // every row's, set by fill()
};

} // namespace kestrel::widgets
