#pragma once

#include "detection_figures.h"

#include <QWidget>

class QCustomPlot;
class QResizeEvent;
class QCPItemText;

namespace kestrel::widgets {

// A detector's precision-recall curves at IoU 0.50, one per defect class, as COCO
// interpolates them, with each class's AP50 in the legend. The area under a curve is its AP50.
class PrecisionRecallView : public QWidget {
    Q_OBJECT
public:
    explicit PrecisionRecallView(QWidget* parent = nullptr);

    void setFigures(const DetectionFigures& figures);
    void clear();

    QCustomPlot* plot() const { return plot_; }
    int curveCount() const; // the classes drawn

    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    // The legend only where it leaves the curves room; the table beside has the APs anyway.
    void updateLegend();

    QCustomPlot* plot_ = nullptr;
    QCPItemText* emptyText_ = nullptr;
};

} // namespace kestrel::widgets
