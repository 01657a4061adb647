#pragma once

#include "anomaly_score_data.h"
#include "confusion_data.h"
#include "detection_figures.h"
#include "inspection_data.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QSplitter;

namespace kestrel::widgets {

class AnomalyScorePanel;
class ClassMetricsTable;
class ConfusionMatrixView;
class DetectionClassTable;
class PrecisionRecallView;
class OperatingPointPanel;

// An evaluation's confusion matrix ("confusionMatrix") beside its per-class figures
// ("classMetrics"), under a caption with the accuracy and a Counts / Row-normalised switch
// ("normalizeToggle"), and under them the line's escape and false-reject rates with a slider
// for the target ("operatingPoint"), shown for runs that have a good class, or for an
// anomaly-detection run its score histogram with a threshold ("anomalyScores"). Clicking a
// cell asks, through cellActivated, for those samples. Under a detector's box matrix, the
// per-class table is its APs, misses and false alarms ("detectionClasses") and the
// precision-recall curves ("precisionRecall") take the operating point's place; where the
// panel is too narrow for the matrix and that table side by side, they go under the matrix.
class ConfusionPanel : public QWidget {
    Q_OBJECT
public:
    explicit ConfusionPanel(QWidget* parent = nullptr);

    void setMatrix(const ConfusionData& confusion);
    // The operating point's scores; ignored under a segmentation run's pixel matrix or a
    // detector's box matrix, whose escapes and false rejects come from the defects' areas or
    // boxes rather than a threshold on a good class.
    void setOperatingPoint(const InspectionData& inspection);
    // An anomaly run's scores: the histogram under a compact matrix, in place of the
    // operating point and the per-class table (the run's figures say the same).
    void setAnomalyScores(const AnomalyScoreData& scores);
    // A detector's APs and curves for the box matrix shown.
    void setDetectionFigures(const DetectionFigures& figures);
    void clear();

    ConfusionMatrixView* matrixView() const { return view_; }
    ClassMetricsTable* metricsTable() const { return table_; }
    OperatingPointPanel* operatingPoint() const { return operatingPoint_; }
    AnomalyScorePanel* anomalyScores() const { return anomalyScores_; }
    DetectionClassTable* detectionTable() const { return detectionTable_; }
    PrecisionRecallView* precisionRecall() const { return precisionRecall_; }

signals:
    void cellActivated(int trueClass, int predictedClass);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    // The side beside the matrix, or under it when the box table does not fit beside.
    void arrangeSide();

    QLabel* caption_ = nullptr;
    QComboBox* normalizeToggle_ = nullptr;
    QSplitter* splitter_ = nullptr;
    QWidget* side_ = nullptr; // the per-class table and the operating point
    ConfusionMatrixView* view_ = nullptr;
    ClassMetricsTable* table_ = nullptr;
    OperatingPointPanel* operatingPoint_ = nullptr;
    AnomalyScorePanel* anomalyScores_ = nullptr;
    DetectionClassTable* detectionTable_ = nullptr;
    PrecisionRecallView* precisionRecall_ = nullptr;
    QLabel* hint_ = nullptr;
    bool boxes_ = false; // a detector's box matrix is shown
};

} // namespace kestrel::widgets
