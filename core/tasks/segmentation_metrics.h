#pragma once

#include "inspection/area_verdict.h"
#include "tasks/evaluation.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kestrel::tasks {

// One class's overlap figures from a pixel confusion matrix.
struct PixelClassFigures {
    std::optional<double> iou;  // empty when the class is in neither truth nor prediction
    std::optional<double> dice; // likewise
};

PixelClassFigures pixelClassFigures(const ConfusionMatrix& pixels, int classIndex);

// The mean IoU over the defect classes (1..K-1) that occur in the truth or the prediction;
// empty when none does.
std::optional<double> meanDefectIou(const ConfusionMatrix& pixels);

// `{prefix}escape_rate`, `false_reject_rate`, `verdict_accuracy` and the OK/NG matrix's four
// counts (`ng_as_ng`, `ng_as_ok`, `ok_as_ng`, `ok_as_ok`) of an evaluation's images judged by
// `rule`; nothing when the evaluation has no per-image areas (a classification).
std::map<std::string, double> verdictMetrics(const Evaluation& evaluation,
                                             const inspection::AreaRule& rule,
                                             const std::string& prefix);

} // namespace kestrel::tasks
