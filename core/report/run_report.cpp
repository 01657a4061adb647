#include "report/run_report.h"

#include "common/text.h"
#include "common/utc_time.h"
#include "project/project.h"
#include "report/confident_mistakes.h"
#include "report/report_charts.h"
#include "report/report_environment.h"
#include "report/report_format.h"
#include "store/project_repository.h"
#include "store/run_repository.h"

#include <cmath>
#include <tuple>

namespace kestrel::report {

namespace {

constexpr std::array<std::uint8_t, 3> kTrainColour{31, 119, 180}; // blue
constexpr std::array<std::uint8_t, 3> kValColour{255, 127, 14};   // orange

std::optional<double> metric(const std::map<std::string, double>& metrics,
                             const std::string& name) {
    const auto found = metrics.find(name);
    return found == metrics.end() ? std::nullopt : std::optional<double>(found->second);
}

std::optional<std::int64_t> countParam(const std::map<std::string, std::string>& params,
                                       const std::string& name) {
    const auto found = params.find(name);
    if (found == params.end()) {
        return std::nullopt;
    }
    try {
        return std::stoll(found->second);
    } catch (const std::exception&) {
        return std::nullopt; // a malformed count is shown as unknown, not a failure
    }
}

std::string param(const std::map<std::string, std::string>& params, const std::string& name) {
    const auto found = params.find(name);
    return found == params.end() ? std::string() : found->second;
}

std::string projectName(Project& project) {
    const std::string stored = store::ProjectRepository(project.database()).name();
    return stored.empty() ? project.folder().filename().string() : stored;
}

// Each epoch's figures, from the metrics recorded at the end of each epoch (the last value
// wins when a resumed run recorded an epoch twice).
std::vector<EpochFigures> epochFigures(store::RunRepository& runs, std::int64_t run) {
    std::map<std::int64_t, EpochFigures> byEpoch;
    const std::pair<const char*, std::optional<double> EpochFigures::*> series[] = {
        {"train_loss", &EpochFigures::trainLoss},
        {"val_loss", &EpochFigures::valLoss},
        {"train_accuracy", &EpochFigures::trainAccuracy},
        {"val_accuracy", &EpochFigures::valAccuracy},
        {"lr", &EpochFigures::learningRate}};
    for (const auto& [name, field] : series) {
        for (const store::MetricPoint& point : runs.metrics(run, name)) {
            EpochFigures& figures = byEpoch[point.epoch];
            figures.epoch = point.epoch + 1;
            figures.*field = point.value;
        }
    }
    std::vector<EpochFigures> epochs;
    for (auto& [epoch, figures] : byEpoch) {
        epochs.push_back(figures);
    }
    return epochs;
}

ChartSeries line(const std::string& label, std::array<std::uint8_t, 3> rgb,
                 const std::vector<EpochFigures>& epochs,
                 std::optional<double> EpochFigures::*field) {
    ChartSeries series{label, rgb, {}, {}};
    for (const EpochFigures& figures : epochs) {
        series.x.push_back(static_cast<double>(figures.epoch));
        series.y.push_back((figures.*field).value_or(std::nan("")));
    }
    return series;
}

bool any(const std::vector<EpochFigures>& epochs, std::optional<double> EpochFigures::*field) {
    for (const EpochFigures& figures : epochs) {
        if (figures.*field) {
            return true;
        }
    }
    return false;
}

std::vector<ReportImage> curveCharts(const std::vector<EpochFigures>& epochs) {
    if (epochs.empty()) {
        return {};
    }
    LineChart loss{"Loss", "epoch", "loss", {}, false, true, std::nullopt, std::nullopt, true};
    LineChart accuracy{"Accuracy", "epoch", "accuracy", {}, true, false, 0.0, 1.0, true};
    const auto add = [&](LineChart& chart, const std::string& label,
                         std::array<std::uint8_t, 3> rgb,
                         std::optional<double> EpochFigures::*field) {
        if (any(epochs, field)) {
            chart.series.push_back(line(label, rgb, epochs, field));
        }
    };
    add(loss, "train loss", kTrainColour, &EpochFigures::trainLoss);
    add(loss, "validation loss", kValColour, &EpochFigures::valLoss);
    add(accuracy, "train accuracy", kTrainColour, &EpochFigures::trainAccuracy);
    add(accuracy, "validation accuracy", kValColour, &EpochFigures::valAccuracy);
    return {drawLineChart(loss, "loss.png"), drawLineChart(accuracy, "accuracy.png")};
}

std::optional<SplitFigures> splitFigures(const std::string& split,
                                         const std::map<std::string, double>& metrics,
                                         const std::vector<std::string>& classes) {
    const std::string prefix = split + "_";
    SplitFigures figures{split,
                         metric(metrics, prefix + "accuracy"),
                         metric(metrics, prefix + "loss"),
                         metric(metrics, prefix + "macro_f1"),
                         {}};
    bool anyClass = false;
    for (const std::string& name : classes) {
        ClassFigures row{name, metric(metrics, prefix + "precision/" + name),
                         metric(metrics, prefix + "recall/" + name),
                         metric(metrics, prefix + "f1/" + name)};
        anyClass = anyClass || row.precision || row.recall || row.f1;
        figures.classes.push_back(std::move(row));
    }
    if (!figures.accuracy && !figures.loss && !figures.macroF1 && !anyClass) {
        return std::nullopt;
    }
    return figures;
}

// An anomaly run's figures, in the order a line engineer reads them.
std::vector<AnomalyFigure> anomalyFigures(const std::map<std::string, double>& metrics) {
    const std::tuple<const char*, const char*, bool> rows[] = {
        {"image AUROC", "image_auroc", false},
        {"pixel AUROC", "pixel_auroc", false},
        {"PRO", "pro", false},
        {"F1 at the threshold", "f1", false},
        {"escapes", "escape_rate", true},
        {"false rejects", "false_reject_rate", true},
        {"accuracy", "accuracy", true}};
    std::vector<AnomalyFigure> figures;
    for (const auto& [name, key, percent] : rows) {
        AnomalyFigure figure{name, metric(metrics, std::string("val_") + key),
                             metric(metrics, std::string("test_") + key), percent};
        if (figure.validation || figure.test) {
            figures.push_back(std::move(figure));
        }
    }
    return figures;
}

} // namespace

RunReport buildRunReport(Project& project, std::int64_t runId, const ReportOptions& options) {
    store::RunRepository runs(project.database());
    RunReport report;
    report.run = runs.get(runId);
    report.projectName = projectName(project);
    report.generatedAt = utcNow();
    const std::string& start =
        report.run.startedAt.empty() ? report.run.createdAt : report.run.startedAt;
    if (!report.run.finishedAt.empty()) {
        report.durationSeconds = secondsBetween(start, report.run.finishedAt);
    }

    report.parameters = runs.params(runId);
    report.latestMetrics = runs.latestMetrics(runId);
    report.validationConfusion = runs.confusionMatrix(runId, "val");
    report.testConfusion = runs.confusionMatrix(runId, "test");
    report.classes = splitLines(param(report.parameters, "classes"));
    if (report.classes.empty() && report.validationConfusion) {
        report.classes = report.validationConfusion->classes;
    }

    report.anomaly = report.run.task == "anomaly";
    if (report.anomaly) {
        // Its predictions and matrices are verdicts on the good class, not the project's
        // classes.
        report.classes = {"good", "defect"};
        report.anomalyFigures = anomalyFigures(report.latestMetrics);
    } else {
        report.epochs = epochFigures(runs, runId);
        report.charts = curveCharts(report.epochs);
        for (const char* split : {"val", "test"}) {
            if (auto figures = splitFigures(split, report.latestMetrics, report.classes)) {
                report.splits.push_back(std::move(*figures));
            }
        }
    }

    report.dataset = {report.run.datasetVersion,
                      param(report.parameters, "dataset_fingerprint"),
                      param(report.parameters, "validation_source"),
                      countParam(report.parameters, "train_samples"),
                      countParam(report.parameters, "val_samples"),
                      countParam(report.parameters, "test_samples")};

    // The run's own record first: the machine making the report may not be the one that
    // trained.
    const std::pair<const char*, std::string> recorded[] = {
        {"Training device", report.run.device},
        {"Trained with Kestrel", param(report.parameters, "kestrel_version")},
        {"Trained with LibTorch", param(report.parameters, "libtorch_version")}};
    for (const auto& [name, value] : recorded) {
        if (!value.empty()) {
            report.environment.emplace_back(name, value);
        }
    }
    for (auto& [name, value] : machineEnvironment()) {
        report.environment.emplace_back("Report machine: " + name, value);
    }

    MistakeSelection mistakes =
        confidentMistakes(project, runId, report.classes, report.anomaly, options);
    report.mistakes = std::move(mistakes.mistakes);
    report.mistakesSource = std::move(mistakes.source);
    return report;
}

} // namespace kestrel::report
