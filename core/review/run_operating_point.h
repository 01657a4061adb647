#pragma once

#include "inspection/operating_point.h"
#include "store/run_repository.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::store {
struct SamplePredictionRecord;
}

namespace kestrel::review {

// A run's operating point: chosen on its validation images, and what it does on its test
// images (which played no part in choosing it).
struct RunOperatingPoint {
    std::string goodClass;
    inspection::OperatingPoint validation;
    std::optional<inspection::InspectionRates> test; // when the test split has images
};

// From a run's scored samples (review::recordRunPredictions; `truth` and `probabilities` in
// `classes`' order). Empty when no good class is named or found, or the validation images lack
// either good parts or defects. Throws kestrel::Error when `goodClass` names no class.
std::optional<RunOperatingPoint>
operatingPointFor(const std::vector<store::SamplePredictionRecord>& records,
                  const std::vector<std::string>& classes, const std::string& goodClass,
                  double targetDefectRecall);

// The run parameters (runs/run_params.h's kOperating*) and metrics (val_/test_escape_rate,
// val_/test_false_reject_rate) that record `point`.
std::map<std::string, std::string> operatingPointParams(const RunOperatingPoint& point);
std::vector<store::MetricPoint> operatingPointMetrics(const RunOperatingPoint& point);

// Each `split` ("val", "test") record's P(not good) and whether it is a defect.
std::vector<inspection::InspectionScore>
inspectionScores(const std::vector<store::SamplePredictionRecord>& records,
                 const std::string& split, std::size_t goodClass);

// The good class run `params` name: the operating point's, else the run's `good_class` option
// (empty when neither names one: inspection::findGoodClass then looks for the usual names).
std::string requestedGoodClass(const std::map<std::string, std::string>& params);

// Chooses run `runId`'s operating point again for `targetDefectRecall` on its stored scores
// (the window's slider) and keeps it as the run's parameters and metrics. Throws kestrel::Error
// naming the run when it has no good class or no validation scores of both kinds.
RunOperatingPoint moveOperatingPoint(Project& project, std::int64_t runId,
                                     double targetDefectRecall);

// Two lines for people: the threshold and what it does on validation and test images.
std::string describeOperatingPoint(const RunOperatingPoint& point);

} // namespace kestrel::review
