#pragma once

#include "runs/run_evaluation.h"

namespace kestrel::cli {

// Prints a detection run's evaluation: COCO's mAP@[.50:.95], mAP50 and mAP75, per-class AP
// and AP50, and the confusion matrix with its background row and column (boxes scored at
// least tasks::kLineScore, matched at IoU 0.5); one JSON object with `json`. Returns the
// exit code.
int printDetectionEvaluation(const runs::RunEvaluation& evaluation, bool json);

} // namespace kestrel::cli
