#pragma once

// The runs view's store jobs: the list, curves and matrices, a cell's samples, notes, tags,
// deletion, and an export's artifact rows. A family of small jobs, one file.
#include "anomaly_score_data.h"
#include "confusion_data.h"
#include "detection_figures.h"
#include "export/run_export.h"
#include "inspection_data.h"
#include "review/confusion_cell.h"
#include "run_row.h"
#include "store_job.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <QString>
#include <QVector>

namespace kestrel::app {

// Marks runs whose process died as interrupted, then lists every run with its figures.
class ListRuns final : public StoreQuery<std::vector<widgets::RunRow>> {
public:
    using StoreQuery::StoreQuery;
    const char* name() const override { return "listing the runs"; }

protected:
    void perform(Project& project) override;
};

struct RunCurve {
    QString metric;
    QVector<double> epochs;
    QVector<double> values;
};

struct RunFigures {
    std::int64_t runId = 0;
    std::vector<RunCurve> curves; // one per stored metric the charts draw
    widgets::ConfusionData confusion;
    widgets::InspectionData inspection;  // empty goodClass: the run has no operating point
    widgets::AnomalyScoreData anomaly;   // an anomaly run's scores; empty for other runs
    widgets::DetectionFigures detection; // a detector's APs and curves at the matrix's epoch
};

class LoadRunFigures final : public StoreQuery<std::vector<RunFigures>> {
public:
    LoadRunFigures(ProjectRef project, std::vector<std::int64_t> runIds, Reply reply)
        : StoreQuery(std::move(project), std::move(reply)), runIds_(std::move(runIds)) {}
    const char* name() const override { return "reading the runs' curves"; }

protected:
    void perform(Project& project) override;

private:
    std::vector<std::int64_t> runIds_;
};

// The samples of one validation confusion cell, with the confidence of their prediction (or,
// for a segmentation run, their pixels in the cell).
class FindCellSamples final : public StoreQuery<review::CellSamples> {
public:
    FindCellSamples(ProjectRef project, std::int64_t runId, int truth, int predicted, Reply reply)
        : StoreQuery(std::move(project), std::move(reply)), runId_(runId), truth_(truth),
          predicted_(predicted) {}
    const char* name() const override { return "finding a cell's samples"; }

protected:
    void perform(Project& project) override;

private:
    std::int64_t runId_;
    int truth_;
    int predicted_;
};

// Moves a run's operating point to another target defect recall: chooses the threshold again
// on the run's stored validation scores and keeps it, with its rates, as the run's.
class SetOperatingPoint final : public StoreJob {
public:
    SetOperatingPoint(ProjectRef project, std::int64_t runId, double target)
        : StoreJob(std::move(project)), runId_(runId), target_(target) {}
    const char* name() const override { return "keeping a run's operating point"; }

protected:
    void perform(Project& project) override;

private:
    std::int64_t runId_;
    double target_;
};

class SetRunNotes final : public StoreJob {
public:
    SetRunNotes(ProjectRef project, std::int64_t runId, std::string notes)
        : StoreJob(std::move(project)), runId_(runId), notes_(std::move(notes)) {}
    const char* name() const override { return "saving a run's notes"; }

protected:
    void perform(Project& project) override;

private:
    std::int64_t runId_;
    std::string notes_;
};

class SetRunTags final : public StoreJob {
public:
    SetRunTags(ProjectRef project, std::int64_t runId, std::vector<std::string> tags)
        : StoreJob(std::move(project)), runId_(runId), tags_(std::move(tags)) {}
    const char* name() const override { return "saving a run's tags"; }

protected:
    void perform(Project& project) override;

private:
    std::int64_t runId_;
    std::vector<std::string> tags_;
};

// The rows first (one statement), then the run's folder and exported files; a run whose lock
// is held is refused.
class DeleteRuns final : public StoreJob {
public:
    DeleteRuns(ProjectRef project, std::vector<std::int64_t> runIds)
        : StoreJob(std::move(project)), runIds_(std::move(runIds)) {}
    const char* name() const override { return "deleting runs"; }

protected:
    void perform(Project& project) override;

private:
    std::vector<std::int64_t> runIds_;
};

// An exported, verified file's row among its run's artifacts (exportRun's recordArtifact).
class RecordArtifact final : public StoreJob {
public:
    RecordArtifact(ProjectRef project, exporting::ExportedArtifact artifact)
        : StoreJob(std::move(project)), artifact_(std::move(artifact)) {}
    const char* name() const override { return "recording an export"; }

protected:
    void perform(Project& project) override;

private:
    exporting::ExportedArtifact artifact_;
};

} // namespace kestrel::app
