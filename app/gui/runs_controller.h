#pragma once

#include "anomaly_score_data.h"
#include "confusion_data.h"
#include "detection_figures.h"
#include "inspection_data.h"
#include "review/confusion_cell.h"
#include "run_row.h"

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>

namespace kestrel::app {

class ProjectController;
class Task;
class TaskManager;

// The project's runs for the runs view: listing, curves and matrices for comparing, notes,
// tags and deletion as store jobs on the writer; export (with its verification) and reports
// as Tasks that read the project through their own connection, so labelling goes on
// meanwhile. Answers with queued signals.
class RunsController : public QObject {
    Q_OBJECT
public:
    RunsController(ProjectController& projects, TaskManager& tasks, QObject* parent = nullptr);
    ~RunsController() override; // cancels its exports and reports and waits for them

public slots:
    void refresh();
    // Answers with one runCurve per stored metric the charts draw, then runConfusion and
    // runInspection.
    void loadRuns(const std::vector<std::int64_t>& runIds);
    void findCellSamples(qint64 runId, int trueClass, int predicted);
    // Keeps the run's operating point at another target defect recall (exports then carry it).
    void setOperatingPoint(qint64 runId, double targetDefectRecall);
    void setNotes(qint64 runId, const QString& notes);
    void setTags(qint64 runId, const QStringList& tags);
    void deleteRuns(const std::vector<std::int64_t>& runIds);
    void exportRun(qint64 runId);
    // A report of the run: a self-contained HTML file, or a PDF when `file` ends in .pdf.
    void writeReport(qint64 runId, const QString& file);

signals:
    void runsLoaded(const std::vector<kestrel::widgets::RunRow>& runs);
    void runCurve(qint64 runId, const QString& metric, const QVector<double>& epochs,
                  const QVector<double>& values);
    void runConfusion(qint64 runId, const kestrel::widgets::ConfusionData& confusion);
    void runInspection(qint64 runId, const kestrel::widgets::InspectionData& inspection);
    void runAnomalyScores(qint64 runId, const kestrel::widgets::AnomalyScoreData& scores);
    // A detector's APs and precision-recall curves at its matrix's epoch.
    void runDetectionFigures(qint64 runId, const kestrel::widgets::DetectionFigures& figures);
    // The samples of one confusion cell with their scores there.
    void cellSamplesFound(qint64 runId, int trueClass, int predicted,
                          const kestrel::review::CellSamples& samples);
    void exportProgress(qint64 runId, const QString& line);
    void exportFinished(qint64 runId, const QString& summary, const QString& folder);
    void exportFailed(qint64 runId, const QString& message);
    void reportWritten(qint64 runId, const QString& file);
    void failed(const QString& message);

private:
    void forget(const Task& task);

    ProjectController& projects_;
    TaskManager& tasks_;
    std::vector<std::shared_ptr<Task>> running_; // exports and reports, to wait for
};

} // namespace kestrel::app
