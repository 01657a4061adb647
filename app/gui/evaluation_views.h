#pragma once

#include "confusion_data.h"
#include "detection_figures.h"
#include "inspection/coco_evaluation.h"
#include "tasks/evaluation.h"

#include <cstdint>
#include <string>
#include <vector>

#include <QString>

namespace kestrel::app {

// An epoch's validation matrix as the widgets show it: `classes` named, and a detector's
// background (its matrix has one more class) added last, counting boxes.
widgets::ConfusionData confusionOf(const tasks::Evaluation& evaluation,
                                   const std::vector<std::string>& classes, std::int64_t epoch);

// A detector's APs and precision-recall curves (at IoU 0.50) from one evaluation.
widgets::DetectionFigures detectionFiguresOf(const inspection::CocoEvaluation& coco,
                                             const std::vector<std::string>& classes,
                                             const QString& caption);

} // namespace kestrel::app
