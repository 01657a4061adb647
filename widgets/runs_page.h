#pragma once

#include "anomaly_score_data.h"
#include "confusion_data.h"
#include "detection_figures.h"
#include "inspection_data.h"
#include "run_row.h"

#include <cstdint>
#include <vector>

#include <QVector>
#include <QWidget>

class QLabel;
class QPushButton;
class QSplitter;
class QStackedWidget;

namespace kestrel::widgets {

class AnomalyRunFigures;
class ConfusionPanel;
class RunsView;
class TrainingCharts;

// Runs side by side: the runs table, the selected runs' curves overlaid, the confusion
// matrix of the one selected, and the outcome of the last export.
class RunsPage : public QWidget {
    Q_OBJECT
public:
    explicit RunsPage(QWidget* parent = nullptr);

    RunsView* runs() const { return runs_; }
    TrainingCharts* charts() const { return charts_; }
    ConfusionPanel* confusion() const { return confusion_; }
    // Off in tests: a finished export then does not open a file manager.
    // Off in tests: exported folders and written reports are not opened on the desktop.
    void setOpensExportFolder(bool open) { opensExportFolder_ = open; }
    bool opensExportFolder() const { return opensExportFolder_; }

public slots:
    void setRuns(const std::vector<kestrel::widgets::RunRow>& runs);
    void showCurve(qint64 runId, const QString& metric, const QVector<double>& epochs,
                   const QVector<double>& values);
    void showConfusion(qint64 runId, const kestrel::widgets::ConfusionData& confusion);
    void showInspection(qint64 runId, const kestrel::widgets::InspectionData& inspection);
    // An anomaly run's scores: the histogram in place of the operating point.
    void showAnomalyScores(qint64 runId, const kestrel::widgets::AnomalyScoreData& scores);
    // A detector's APs and precision-recall curves beside its box matrix.
    void showDetectionFigures(qint64 runId, const kestrel::widgets::DetectionFigures& figures);
    void showExportProgress(qint64 runId, const QString& line);
    void showExportResult(qint64 runId, const QString& summary, const QString& folder);
    void showExportFailure(const QString& message);

signals:
    // The runs to draw: the app answers with showCurve and showConfusion for each.
    void runsWanted(const std::vector<std::int64_t>& runIds);
    void cellActivated(qint64 runId, int trueClass, int predictedClass);
    // The target defect recall the user settled on for the run shown: keep it with the run.
    void operatingPointChosen(qint64 runId, double targetDefectRecall);

private:
    void selectionChanged(const std::vector<std::int64_t>& ids);
    // Curves for trained runs; the figures table when every selected run is a fit.
    void showCurvesOrFigures(const std::vector<std::int64_t>& ids);

    RunsView* runs_ = nullptr;
    TrainingCharts* charts_ = nullptr;
    AnomalyRunFigures* anomalyFigures_ = nullptr;
    QStackedWidget* top_ = nullptr; // charts_ or anomalyFigures_
    QSplitter* right_ = nullptr;
    ConfusionPanel* confusion_ = nullptr;
    QLabel* exportStatus_ = nullptr;
    QPushButton* openFolder_ = nullptr;
    QString exportFolder_;
    std::vector<RunRow> rows_;
    std::int64_t confusionRun_ = 0; // the run whose matrix is shown
    bool opensExportFolder_ = true;
};

} // namespace kestrel::widgets
