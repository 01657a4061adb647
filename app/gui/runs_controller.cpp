#include "runs_controller.h"

#include "common/atomic_file.h"
#include "export/run_export.h"
#include "project/project.h"
#include "project_controller.h"
#include "report/report_html.h"
#include "report/run_report.h"
#include "report_pdf.h"
#include "run_store_jobs.h"
#include "store_writer.h"
#include "task_manager.h"

#include <algorithm>

#include <QMetaObject>

namespace kestrel::app {

RunsController::RunsController(ProjectController& projects, TaskManager& tasks, QObject* parent)
    : QObject(parent), projects_(projects), tasks_(tasks) {}

RunsController::~RunsController() {
    // The tasks post to this object while they work; store jobs only answer through the
    // writer, which drops answers for an object that is gone.
    for (const auto& task : running_) {
        task->cancel();
    }
    for (const auto& task : running_) {
        task->waitUntilEnded();
    }
}

void RunsController::forget(const Task& task) {
    running_.erase(std::remove_if(running_.begin(), running_.end(),
                                  [&task](const auto& held) { return held.get() == &task; }),
                   running_.end());
}

void RunsController::refresh() {
    if (!projects_.current().isOpen()) {
        return;
    }
    auto job = std::make_unique<ListRuns>(
        projects_.current(), [this](std::vector<widgets::RunRow> rows) { emit runsLoaded(rows); });
    job->onFailure([this](const QString& message) { emit failed(message); });
    projects_.writer().submit(std::move(job), this);
}

void RunsController::loadRuns(const std::vector<std::int64_t>& runIds) {
    if (!projects_.current().isOpen()) {
        return;
    }
    auto job = std::make_unique<LoadRunFigures>(
        projects_.current(), runIds, [this](std::vector<RunFigures> runs) {
            for (const auto& run : runs) {
                for (const auto& curve : run.curves) {
                    emit runCurve(run.runId, curve.metric, curve.epochs, curve.values);
                }
                emit runConfusion(run.runId, run.confusion);
                emit runInspection(run.runId, run.inspection);
                if (!run.anomaly.isEmpty()) {
                    emit runAnomalyScores(run.runId, run.anomaly);
                }
                if (!run.detection.isEmpty()) {
                    emit runDetectionFigures(run.runId, run.detection);
                }
            }
        });
    job->onFailure([this](const QString& message) { emit failed(message); });
    projects_.writer().submit(std::move(job), this);
}

void RunsController::findCellSamples(qint64 runId, int trueClass, int predicted) {
    if (!projects_.current().isOpen()) {
        return;
    }
    auto job = std::make_unique<FindCellSamples>(
        projects_.current(), runId, trueClass, predicted,
        [this, runId, trueClass, predicted](const review::CellSamples& samples) {
            emit cellSamplesFound(runId, trueClass, predicted, samples);
        });
    job->onFailure([this](const QString& message) { emit failed(message); });
    projects_.writer().submit(std::move(job), this);
}

void RunsController::setOperatingPoint(qint64 runId, double targetDefectRecall) {
    if (!projects_.current().isOpen()) {
        return;
    }
    auto job = std::make_unique<SetOperatingPoint>(projects_.current(), runId, targetDefectRecall);
    job->onFailure([this](const QString& message) { emit failed(message); });
    projects_.writer().submit(std::move(job), this);
}

void RunsController::setNotes(qint64 runId, const QString& notes) {
    if (!projects_.current().isOpen()) {
        return;
    }
    auto job = std::make_unique<SetRunNotes>(projects_.current(), runId, notes.toStdString());
    job->onFailure([this](const QString& message) { emit failed(message); });
    projects_.writer().submit(std::move(job), this);
}

void RunsController::setTags(qint64 runId, const QStringList& tags) {
    if (!projects_.current().isOpen()) {
        return;
    }
    std::vector<std::string> list;
    for (const auto& tag : tags) {
        list.push_back(tag.toStdString());
    }
    auto job = std::make_unique<SetRunTags>(projects_.current(), runId, std::move(list));
    job->onFailure([this](const QString& message) { emit failed(message); });
    projects_.writer().submit(std::move(job), this);
}

void RunsController::deleteRuns(const std::vector<std::int64_t>& runIds) {
    if (!projects_.current().isOpen()) {
        return;
    }
    auto job = std::make_unique<DeleteRuns>(projects_.current(), runIds);
    job->onFailure([this](const QString& message) { emit failed(message); });
    projects_.writer().submit(std::move(job), this);
    refresh(); // after the deletions, in order, even when one failed
}

void RunsController::exportRun(qint64 runId) {
    if (!projects_.current().isOpen()) {
        return;
    }
    struct Exported {
        QString summary;
        QString folder;
    };
    auto exported = std::make_shared<Exported>();
    StoreWriter& writer = projects_.writer();
    running_.push_back(tasks_.start(
        tr("Exporting run #%1").arg(runId), projects_.current(),
        [this, runId, exported, &writer](Task& task) {
            // Reads (and verifies on) the project through a connection of its own; the
            // artifacts' rows go to the writer, for this project whichever is open by then.
            Project project = Project::open(task.project().folder);
            exporting::ExportRequest request;
            request.run = runId;
            request.progress = [this, runId, &task](const std::string& line) {
                const QString text = QString::fromStdString(line);
                task.setProgress(0, 0, text);
                QMetaObject::invokeMethod(
                    this, [this, runId, text] { emit exportProgress(runId, text); },
                    Qt::QueuedConnection);
            };
            request.recordArtifact = [&writer, &task](const exporting::ExportedArtifact& row) {
                writer.submitAndWait(std::make_unique<RecordArtifact>(task.project(), row));
            };
            const std::vector<exporting::ExportedFile> files =
                exporting::exportRun(project, request);
            QStringList lines;
            for (const auto& file : files) {
                lines.append(tr("%1: %2").arg(QString::fromStdString(file.file.filename().string()),
                                              QString::fromStdString(file.verification.summary())));
            }
            exported->summary = lines.join('\n');
            exported->folder =
                files.empty() ? QString()
                              : QString::fromStdString(files.front().file.parent_path().string());
        },
        this,
        [this, runId, exported](const Task& task) {
            forget(task);
            if (task.state() == Task::State::Finished) {
                emit exportFinished(runId, exported->summary, exported->folder);
            } else {
                emit exportFailed(runId, task.error().isEmpty() ? tr("The export stopped.")
                                                                : task.error());
            }
            refresh(); // the run's exported files
        }));
}

void RunsController::writeReport(qint64 runId, const QString& file) {
    if (!projects_.current().isOpen()) {
        return;
    }
    running_.push_back(tasks_.start(
        tr("Writing the report of run #%1").arg(runId), projects_.current(),
        [runId, file](Task& task) {
            // Reads the store and decodes thumbnails: a task's work, not the writer's.
            Project project = Project::open(task.project().folder);
            const report::RunReport built = report::buildRunReport(project, runId);
            if (file.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive)) {
                writeReportPdf(built, file);
            } else {
                writeFileAtomically(file.toStdString(),
                                    report::renderReportHtml(built, report::dataUri));
            }
        },
        this,
        [this, runId, file](const Task& task) {
            forget(task);
            if (task.state() == Task::State::Finished) {
                emit reportWritten(runId, file);
            } else if (!task.error().isEmpty()) {
                emit failed(task.error());
            }
        }));
}

} // namespace kestrel::app
