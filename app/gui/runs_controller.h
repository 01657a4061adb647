#pragma once

#include "confusion_data.h"
#include "project_jobs.h"
#include "run_row.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>

namespace kestrel {
class Project;
}

namespace kestrel::app {

class ProjectController;

// The project's runs for the runs view: listing, curves and matrices for comparing, notes,
// tags, deletion and export. Everything runs on the project thread (the one writer) and
// answers with queued signals.
class RunsController : public QObject {
    Q_OBJECT
public:
    explicit RunsController(ProjectController& projects, QObject* parent = nullptr);
    ~RunsController() override; // waits for its jobs on the project thread

public slots:
    void refresh();
    // Answers with one runCurve per stored metric the charts draw, then runConfusion.
    void loadRuns(const std::vector<std::int64_t>& runIds);
    void findCellSamples(qint64 runId, int trueClass, int predicted);
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
    // The samples of one confusion cell with the confidence of their prediction.
    void cellSamplesFound(qint64 runId, int trueClass, int predicted,
                          const std::vector<std::pair<std::int64_t, float>>& samples);
    void exportProgress(qint64 runId, const QString& line);
    void exportFinished(qint64 runId, const QString& summary, const QString& folder);
    void exportFailed(qint64 runId, const QString& message);
    void reportWritten(qint64 runId, const QString& file);
    void failed(const QString& message);

private:
    void onProject(std::function<void(Project&)> job);

    ProjectJobs jobs_; // last: destroyed first, waiting for the jobs still going
};

} // namespace kestrel::app
