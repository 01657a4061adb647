#include "run_store_jobs.h"

#include "common/error.h"
#include "common/task_kind.h"
#include "common/text.h"
#include "inspection/operating_point.h"
#include "project/project.h"
#include "review/run_operating_point.h"
#include "runs/run_deletion.h"
#include "runs/run_lock.h"
#include "runs/run_params.h"
#include "store/review_repository.h"
#include "store/run_repository.h"
#include "train/trainer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>

#include <QDateTime>
#include <QObject>

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

// The run's scores as the operating point panel needs them; empty without a good class.
widgets::InspectionData inspectionOf(Project& project, std::int64_t runId,
                                     const std::map<std::string, std::string>& params) {
    widgets::InspectionData data;
    const auto classes =
        params.count("classes") ? splitLines(params.at("classes")) : std::vector<std::string>{};
    std::optional<std::size_t> good;
    try {
        good = inspection::findGoodClass(classes, review::requestedGoodClass(params));
    } catch (const Error&) {
        return data; // a class renamed since: no good class to show
    }
    if (!good) {
        return data;
    }
    const auto records = store::ReviewRepository(project.database()).samplePredictions(runId);
    data.goodClass = QString::fromStdString(classes[*good]);
    data.validation = review::inspectionScores(records, "val", *good);
    data.test = review::inspectionScores(records, "test", *good);
    for (const char* name : {runs::kOperatingTargetParam, "target_defect_recall"}) {
        const auto found = params.find(name);
        if (found != params.end()) {
            try {
                data.target = std::stod(found->second);
                break;
            } catch (const std::exception&) {
                // an unreadable value: the next, or the default
            }
        }
    }
    return data;
}

// An anomaly run's normalised scores per split, from its stored predictions (truth and
// verdict 0 good, 1 defect; the score as confidence).
// A detector's validation APs (DetectionTask's "val_ap50/<class>" and "val_ap/<class>") and
// precision-recall curves at `epoch`, for the defect classes of its box matrix.
widgets::DetectionFigures detectionFiguresOf(store::RunRepository& runs, std::int64_t runId,
                                             std::int64_t epoch,
                                             const std::vector<std::string>& classes) {
    widgets::DetectionFigures figures;
    const auto atEpoch = [&runs, runId, epoch](const std::string& metric) -> std::optional<double> {
        std::optional<double> value;
        for (const auto& point : runs.metrics(runId, metric)) {
            if (point.epoch == epoch) {
                value = point.value; // the last one recorded for the epoch
            }
        }
        return value;
    };
    const auto curves = runs.precisionCurves(runId, "val", epoch);
    for (std::size_t c = 0; c + 1 < classes.size(); ++c) { // the last class is the background
        widgets::ClassDetectionFigures own;
        own.name = QString::fromStdString(classes[c]);
        own.ap50 = atEpoch("val_ap50/" + classes[c]);
        own.ap = atEpoch("val_ap/" + classes[c]);
        for (const auto& curve : curves) {
            if (curve.className == classes[c] && std::abs(curve.iou - 0.5) < 1e-9) {
                own.precision50 = QVector<double>(curve.precision.begin(), curve.precision.end());
            }
        }
        figures.classes.push_back(std::move(own));
    }
    return figures;
}

widgets::AnomalyScoreData anomalyScoresOf(store::RunRepository& runs, std::int64_t runId) {
    widgets::AnomalyScoreData data;
    data.runId = runId;
    for (const auto& [split, samples] :
         {std::pair{"val", &data.validation}, std::pair{"test", &data.test}}) {
        for (const auto& prediction : runs.predictions(runId, split)) {
            samples->push_back({prediction.sampleId, static_cast<float>(prediction.confidence),
                                prediction.truth == 1});
        }
    }
    return data;
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
    row.task = QString::fromStdString(run.task);
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
// A segmentation run's val_miou comes before its accuracies, which it replaces in the charts.
const char* const kCurveMetrics[] = {"batch_loss", "train_loss",       "val_loss",
                                     "val_miou",   "train_accuracy",   "val_accuracy",
                                     "lr",         "images_per_second"};

} // namespace

void ListRuns::perform(Project& project) {
    runs::markInterruptedRuns(project);
    store::RunRepository runs(project.database());
    for (const auto& run : runs.list()) {
        result_.push_back(rowOf(project, runs, run));
    }
}

void LoadRunFigures::perform(Project& project) {
    store::RunRepository runs(project.database());
    for (const auto runId : runIds_) {
        RunFigures figures;
        figures.runId = runId;
        const auto params = runs.params(runId);
        const double batchSize =
            static_cast<double>(std::max<std::int64_t>(paramInt(params, "batch_size"), 1));
        const double trainSamples = static_cast<double>(paramInt(params, "train_samples"));
        const double batchesPerEpoch = std::max(1.0, std::ceil(trainSamples / batchSize));
        for (const char* metric : kCurveMetrics) {
            RunCurve curve;
            curve.metric = QString::fromLatin1(metric);
            const bool perBatch = std::string(metric) == "batch_loss";
            for (const auto& point : runs.metrics(runId, metric)) {
                curve.epochs.append(perBatch ? static_cast<double>(point.step) / batchesPerEpoch
                                             : static_cast<double>(point.epoch + 1));
                curve.values.append(point.value);
            }
            figures.curves.push_back(std::move(curve));
        }
        const std::string task = runs.get(runId).task;
        const bool anomalyRun = task == toString(TaskKind::Anomaly);
        if (const auto matrix = runs.confusionMatrix(runId, "val")) {
            for (const auto& name : matrix->classes) {
                figures.confusion.classes.append(QString::fromStdString(name));
            }
            figures.confusion.counts = matrix->counts;
            // A segmentation run's matrix counts pixels over "background" and its classes, a
            // detector's boxes over its classes and "background".
            if (task == toString(TaskKind::Segmentation)) {
                figures.confusion.unit = widgets::ConfusionUnit::Pixels;
            } else if (task == toString(TaskKind::Detection)) {
                figures.confusion.unit = widgets::ConfusionUnit::Boxes;
                figures.detection = detectionFiguresOf(runs, runId, matrix->epoch, matrix->classes);
            }
            figures.confusion.caption = // a fit has no epochs
                anomalyRun ? QObject::tr("Run #%1, validation").arg(runId)
                           : QObject::tr("Run #%1, validation, epoch %2")
                                 .arg(runId)
                                 .arg(matrix->epoch + 1);
            figures.detection.caption = figures.confusion.caption;
        }
        if (anomalyRun) {
            figures.anomaly = anomalyScoresOf(runs, runId);
        } else {
            figures.inspection = inspectionOf(project, runId, params);
        }
        result_.push_back(std::move(figures));
    }
}

void FindCellSamples::perform(Project& project) {
    store::RunRepository runs(project.database());
    auto predictions = runs.predictions(runId_, "val");
    const bool segmentation = runs.get(runId_).task == toString(TaskKind::Segmentation);
    if (segmentation) {
        // Images of a run recorded before they kept their pixel matrices have only verdicts,
        // which are not the pixel matrix's cells: they cannot be listed.
        predictions.erase(std::remove_if(predictions.begin(), predictions.end(),
                                         [](const auto& p) { return p.pixels.empty(); }),
                          predictions.end());
    }
    result_ = review::cellSamples(predictions, truth_, predicted_);
    result_.pixelCounts = result_.pixelCounts || segmentation;
}

void SetOperatingPoint::perform(Project& project) {
    review::moveOperatingPoint(project, runId_, target_);
}

void SetRunNotes::perform(Project& project) {
    store::RunRepository(project.database()).setNotes(runId_, notes_);
}

void SetRunTags::perform(Project& project) {
    store::RunRepository(project.database()).setTags(runId_, tags_);
}

void DeleteRuns::perform(Project& project) {
    for (const auto runId : runIds_) {
        runs::deleteRun(project, runId);
    }
}

void RecordArtifact::perform(Project& project) {
    store::RunRepository(project.database())
        .addArtifact(artifact_.run, artifact_.kind, artifact_.path, artifact_.sizeBytes,
                     artifact_.card, artifact_.contentHash);
}

} // namespace kestrel::app
