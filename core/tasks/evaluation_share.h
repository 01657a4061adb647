#pragma once

#include "inspection/area_verdict.h"
#include "inspection/coco_evaluation.h"
#include "tasks/evaluation.h"

#include <cstdint>
#include <vector>

namespace kestrel::tasks {

// What an evaluation pass over some of a loader's samples gathered before its figures are
// summed up: each sample's own data, so that the shares of the ranks of a data-parallel run
// merge into exactly what one pass over every sample gathers (Task::combine), and the
// figures are computed once, from all samples.
struct EvaluationShare {
    std::vector<Prediction> predictions; // `sample` indexes the loader's whole sample list
    double lossSum = 0;                  // each batch's loss times its rows, summed
    std::int64_t seen = 0;               // samples evaluated
    // One entry per prediction, in the same order, where the task has them.
    std::vector<double> positiveScores;        // two-class classification: P(class 1)
    std::vector<inspection::ImageAreas> areas; // per-pixel tasks: the class areas
    // Detection: every image's boxes, `image` being the sample.
    std::vector<inspection::TruthBox> truthBoxes;
    std::vector<inspection::DetectedBox> detectedBoxes;
};

// The shares (of disjoint samples) as one, predictions and their entries in sample order,
// boxes by image in that order (each image's as its share gave them), loss and count summed
// in the shares' order.
EvaluationShare mergeShares(std::vector<EvaluationShare> shares);

} // namespace kestrel::tasks
