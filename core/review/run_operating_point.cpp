#include "review/run_operating_point.h"

#include "common/error.h"
#include "common/text.h"
#include "project/project.h"
#include "runs/run_params.h"
#include "store/review_repository.h"

#include <chrono>
#include <cstdio>

namespace kestrel::review {

using inspection::InspectionRates;
using inspection::InspectionScore;

namespace {

std::string percent(double fraction) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f%%", 100.0 * fraction);
    return text;
}

// Rounding the threshold could lift it above the defect score it was chosen at, so
// parameters keep every digit; people get four.
std::string number(double value, int digits = 17) {
    char text[40];
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    return text;
}

std::string counted(std::int64_t count, std::int64_t of, const char* what) {
    return std::to_string(count) + " of " + std::to_string(of) + " " + what;
}

} // namespace

std::vector<InspectionScore>
inspectionScores(const std::vector<store::SamplePredictionRecord>& records,
                 const std::string& split, std::size_t goodClass) {
    std::vector<InspectionScore> scores;
    for (const store::SamplePredictionRecord& record : records) {
        if (record.split != split || goodClass >= record.probabilities.size()) {
            continue;
        }
        scores.push_back({1.0 - static_cast<double>(record.probabilities[goodClass]),
                          static_cast<std::size_t>(record.truth) != goodClass});
    }
    return scores;
}

std::string requestedGoodClass(const std::map<std::string, std::string>& params) {
    for (const char* name : {runs::kOperatingGoodClassParam, "good_class"}) {
        const auto found = params.find(name);
        if (found != params.end() && !found->second.empty()) {
            return found->second;
        }
    }
    return {};
}

RunOperatingPoint moveOperatingPoint(Project& project, std::int64_t runId,
                                     double targetDefectRecall) {
    store::RunRepository runs(project.database());
    const auto params = runs.params(runId);
    const auto classes =
        params.count("classes") ? splitLines(params.at("classes")) : std::vector<std::string>{};
    const auto records = store::ReviewRepository(project.database()).samplePredictions(runId);
    const auto point =
        operatingPointFor(records, classes, requestedGoodClass(params), targetDefectRecall);
    if (!point) {
        throw Error(ErrorKind::InvalidArgument,
                    "Run " + std::to_string(runId) +
                        " has no operating point to move: it needs a good class and scored "
                        "validation images of both good parts and defects.");
    }
    runs.setParams(runId, operatingPointParams(*point));
    runs.addMetrics(runId, operatingPointMetrics(*point));
    return *point;
}

std::optional<RunOperatingPoint>
operatingPointFor(const std::vector<store::SamplePredictionRecord>& records,
                  const std::vector<std::string>& classes, const std::string& goodClass,
                  double targetDefectRecall) {
    inspection::checkTargetDefectRecall(targetDefectRecall);
    const auto good = inspection::findGoodClass(classes, goodClass);
    if (!good) {
        return std::nullopt;
    }
    const auto chosen = inspection::chooseOperatingPoint(inspectionScores(records, "val", *good),
                                                         targetDefectRecall);
    if (!chosen) {
        return std::nullopt;
    }
    RunOperatingPoint point;
    point.goodClass = classes[*good];
    point.validation = *chosen;
    const auto test = inspectionScores(records, "test", *good);
    if (!test.empty()) {
        point.test = inspection::ratesAt(test, chosen->threshold);
    }
    return point;
}

std::map<std::string, std::string> operatingPointParams(const RunOperatingPoint& point) {
    return {{runs::kOperatingGoodClassParam, point.goodClass},
            {runs::kOperatingTargetParam, number(point.validation.targetDefectRecall)},
            {runs::kOperatingThresholdParam, number(point.validation.threshold)}};
}

std::vector<store::MetricPoint> operatingPointMetrics(const RunOperatingPoint& point) {
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::vector<store::MetricPoint> metrics = {
        {0, 0, "val_escape_rate", point.validation.rates.escapeRate(), now},
        {0, 0, "val_false_reject_rate", point.validation.rates.falseRejectRate(), now}};
    if (point.test) {
        metrics.push_back({0, 0, "test_escape_rate", point.test->escapeRate(), now});
        metrics.push_back({0, 0, "test_false_reject_rate", point.test->falseRejectRate(), now});
    }
    return metrics;
}

std::string describeOperatingPoint(const RunOperatingPoint& point) {
    const InspectionRates& val = point.validation.rates;
    std::string text = "Operating point: NG when P(not " + point.goodClass +
                       ") >= " + number(point.validation.threshold, 4) + ", chosen to catch " +
                       percent(point.validation.targetDefectRecall) +
                       " of defects; on validation images " +
                       counted(val.escapes, val.defects, "defects escape") + ", " +
                       counted(val.falseRejects, val.goods, "good parts are rejected") + " (" +
                       percent(val.falseRejectRate()) + ").";
    if (point.test) {
        text += "\nOn test images: " +
                counted(point.test->escapes, point.test->defects, "defects escape") + " (" +
                percent(point.test->escapeRate()) + "), " +
                counted(point.test->falseRejects, point.test->goods, "good parts are rejected") +
                " (" + percent(point.test->falseRejectRate()) + ").";
    }
    return text;
}

} // namespace kestrel::review
