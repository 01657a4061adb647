#pragma once

#include "runs/run_evaluation.h"

namespace kestrel::cli {

// Prints a segmentation run's evaluation: mean IoU over the defect classes, per-class IoU and
// Dice, pixel accuracy, the pixel confusion matrix and the OK/NG verdicts by the run's area
// rule; one JSON object with `json`. Returns the exit code.
int printSegmentationEvaluation(const runs::RunEvaluation& evaluation, bool json);

} // namespace kestrel::cli
