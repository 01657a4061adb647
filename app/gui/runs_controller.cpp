#include "runs_controller.h"

#include "common/atomic_file.h"
#include "common/error.h"
#include "error_message.h"
#include "export/run_export.h"
#include "project/project.h"
#include "project_controller.h"
#include "report/report_html.h"
#include "report/run_report.h"
#include "report_pdf.h"
#include "runs/run_deletion.h"
#include "runs/run_lock.h"
#include "store/run_repository.h"
#include "train/trainer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <QDateTime>
#include <QMetaObject>

namespace kestrel::app {

namespace {

double secondsBetween(const std::string& start, const std::string& end) {
    const auto from = QDateTime::fromString(QString::fromStdString(start), Qt::ISODateWithMs);
    const auto to = QDateTime::fromString(QString::fromStdString(end), Qt::ISODateWithMs);
    if (!from.isValid() || !to.isValid()) {
        return -1;
    }
    return static_cast<double>(from.msecsTo(to)) / 1000.0;
}

std::int64_t paramInt(const std::map<std::string, std::string>& params, const char* name) {
    const auto found = params.find(name);
    if (found == params.end()) {
        return 0;
    }
    try {
        return std::stoll(found->second);
    } catch (const std::exception&) {
        return 0;
    }
}

widgets::RunRow rowOf(Project& project, store::RunRepository& runs, const store::RunRecord& run) {
    widgets::RunRow row;
    row.id = run.id;
    row.status = QString::fromStdString(run.status);
    row.model = QString::fromStdString(run.model);
    row.device = QString::fromStdString(run.device);
    row.createdAt = QString::fromStdString(run.createdAt);
    row.durationSeconds =
        run.finishedAt.empty() ? -1 : secondsBetween(run.startedAt, run.finishedAt);
    const auto params = runs.params(run.id);
    for (const auto& [name, value] : params) {
        row.params[QString::fromStdString(name)] = QString::fromStdString(value);
    }
    row.epochs = paramInt(params, "epochs");
    const auto metrics = runs.latestMetrics(run.id);
    for (const auto& [name, value] : metrics) {
        if (name.find('/') == std::string::npos) { // per-class figures stay in the matrix view
            row.metrics[QString::fromStdString(name)] = value;
        }
    }
    const auto epochsSeen = runs.metrics(run.id, "train_loss");
    row.epochsDone = epochsSeen.empty() ? 0 : epochsSeen.back().epoch + 1;
    row.notes = QString::fromStdString(run.notes);
    for (const auto& tag : run.tags) {
        row.tags.append(QString::fromStdString(tag));
    }
    row.error = QString::fromStdString(run.error);
    const auto folder = project.runsFolder() / std::to_string(run.id);
    row.exportable =
        run.status != "running" && std::filesystem::exists(train::Trainer::bestCheckpoint(folder));
    row.resumable =
        (run.status == "interrupted" || run.status == "cancelled" || run.status == "failed") &&
        std::filesystem::exists(train::Trainer::lastCheckpoint(folder));
    return row;
}

// The metrics the charts draw. Batch losses sit at fractional epochs, epoch figures at the
// end of their epoch, as the live view draws them.
const char* const kCurveMetrics[] = {"batch_loss",       "train_loss",   "val_loss",
                                     "train_accuracy",   "val_accuracy", "lr",
                                     "images_per_second"};

} // namespace

RunsController::RunsController(ProjectController& projects, QObject* parent)
    : QObject(parent), jobs_(projects) {}

RunsController::~RunsController() = default; // jobs_ waits for the jobs still going

void RunsController::onProject(std::function<void(Project&)> job) {
    jobs_.run([this, job = std::move(job)](const std::shared_ptr<Project>& project) {
        if (!project) {
            return;
        }
        try {
            job(*project);
        } catch (const std::exception& error) {
            const QString message = errorMessage(error);
            QMetaObject::invokeMethod(
                this, [this, message] { emit failed(message); }, Qt::QueuedConnection);
        }
    });
}

void RunsController::refresh() {
    onProject([this](Project& project) {
        runs::markInterruptedRuns(project);
        store::RunRepository runs(project.database());
        std::vector<widgets::RunRow> rows;
        for (const auto& run : runs.list()) {
            rows.push_back(rowOf(project, runs, run));
        }
        QMetaObject::invokeMethod(
            this, [this, rows] { emit runsLoaded(rows); }, Qt::QueuedConnection);
    });
}

void RunsController::loadRuns(const std::vector<std::int64_t>& runIds) {
    onProject([this, runIds](Project& project) {
        store::RunRepository runs(project.database());
        for (const auto runId : runIds) {
            const auto params = runs.params(runId);
            const double batchSize =
                static_cast<double>(std::max<std::int64_t>(paramInt(params, "batch_size"), 1));
            const double trainSamples = static_cast<double>(paramInt(params, "train_samples"));
            const double batchesPerEpoch = std::max(1.0, std::ceil(trainSamples / batchSize));
            for (const char* metric : kCurveMetrics) {
                QVector<double> epochs;
                QVector<double> values;
                const bool perBatch = std::string(metric) == "batch_loss";
                for (const auto& point : runs.metrics(runId, metric)) {
                    epochs.append(perBatch ? static_cast<double>(point.step) / batchesPerEpoch
                                           : static_cast<double>(point.epoch + 1));
                    values.append(point.value);
                }
                QMetaObject::invokeMethod(
                    this,
                    [this, runId, name = QString::fromLatin1(metric), epochs, values] {
                        emit runCurve(runId, name, epochs, values);
                    },
                    Qt::QueuedConnection);
            }
            widgets::ConfusionData confusion;
            if (const auto matrix = runs.confusionMatrix(runId, "val")) {
                for (const auto& name : matrix->classes) {
                    confusion.classes.append(QString::fromStdString(name));
                }
                confusion.counts = matrix->counts;
                confusion.caption =
                    tr("Run #%1, validation, epoch %2").arg(runId).arg(matrix->epoch + 1);
            }
            QMetaObject::invokeMethod(
                this, [this, runId, confusion] { emit runConfusion(runId, confusion); },
                Qt::QueuedConnection);
        }
    });
}

void RunsController::findCellSamples(qint64 runId, int trueClass, int predicted) {
    onProject([this, runId, trueClass, predicted](Project& project) {
        std::vector<std::pair<std::int64_t, float>> samples;
        for (const auto& prediction :
             store::RunRepository(project.database()).predictions(runId, "val")) {
            if (prediction.truth == trueClass && prediction.predicted == predicted) {
                samples.emplace_back(prediction.sampleId,
                                     static_cast<float>(prediction.confidence));
            }
        }
        QMetaObject::invokeMethod(
            this,
            [this, runId, trueClass, predicted, samples] {
                emit cellSamplesFound(runId, trueClass, predicted, samples);
            },
            Qt::QueuedConnection);
    });
}

void RunsController::setNotes(qint64 runId, const QString& notes) {
    onProject([runId, text = notes.toStdString()](Project& project) {
        store::RunRepository(project.database()).setNotes(runId, text);
    });
}

void RunsController::setTags(qint64 runId, const QStringList& tags) {
    std::vector<std::string> list;
    for (const auto& tag : tags) {
        list.push_back(tag.toStdString());
    }
    onProject([runId, list](Project& project) {
        store::RunRepository(project.database()).setTags(runId, list);
    });
}

void RunsController::deleteRuns(const std::vector<std::int64_t>& runIds) {
    onProject([runIds](Project& project) {
        for (const auto runId : runIds) {
            runs::deleteRun(project, runId);
        }
    });
    refresh(); // after the deletions, in order, even when one failed
}

void RunsController::exportRun(qint64 runId) {
    onProject([this, runId](Project& project) {
        exporting::ExportRequest request;
        request.run = runId;
        request.progress = [this, runId](const std::string& line) {
            QMetaObject::invokeMethod(
                this,
                [this, runId, text = QString::fromStdString(line)] {
                    emit exportProgress(runId, text);
                },
                Qt::QueuedConnection);
        };
        std::vector<exporting::ExportedFile> files;
        try {
            files = exporting::exportRun(project, request);
        } catch (const std::exception& error) {
            QMetaObject::invokeMethod(
                this,
                [this, runId, message = errorMessage(error)] { emit exportFailed(runId, message); },
                Qt::QueuedConnection);
            return;
        }
        QStringList lines;
        for (const auto& file : files) {
            lines.append(tr("%1: %2").arg(QString::fromStdString(file.file.filename().string()),
                                          QString::fromStdString(file.verification.summary())));
        }
        const QString folder =
            files.empty() ? QString()
                          : QString::fromStdString(files.front().file.parent_path().string());
        QMetaObject::invokeMethod(
            this,
            [this, runId, summary = lines.join('\n'), folder] {
                emit exportFinished(runId, summary, folder);
            },
            Qt::QueuedConnection);
    });
    refresh();
}

void RunsController::writeReport(qint64 runId, const QString& file) {
    onProject([this, runId, file](Project& project) {
        // Building reads the store and decodes thumbnails: the project thread, not the GUI's.
        const report::RunReport built = report::buildRunReport(project, runId);
        if (file.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive)) {
            writeReportPdf(built, file);
        } else {
            writeFileAtomically(file.toStdString(),
                                report::renderReportHtml(built, report::dataUri));
        }
        QMetaObject::invokeMethod(
            this, [this, runId, file] { emit reportWritten(runId, file); }, Qt::QueuedConnection);
    });
}

} // namespace kestrel::app
