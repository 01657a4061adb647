#pragma once

#include "inspection/area_verdict.h"
#include "inspection/coco_evaluation.h"
#include "inspection/operating_point.h"
#include "tasks/classification_metrics.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kestrel::tasks {

// One evaluation of a model on a split: what goes to the metrics and confusion tables.
struct Evaluation {
    std::string split; // "train", "val" or "test"
    double loss = 0;
    ConfusionMatrix confusion{1};
    std::optional<double> rocAuc; // two classes only
    // Per-pixel tasks: each image's class areas in its file's pixels, in `predictions` order.
    std::vector<inspection::ImageAreas> areas;
    // Detection: COCO's box figures. `confusion` then has one more class than the task's,
    // the background (misses in its column, false alarms in its row).
    std::optional<inspection::CocoEvaluation> coco;
    // Tasks that judge a part without areas (detection: NG when a box scores the line's
    // score): the images' verdicts against the truth's.
    std::optional<inspection::InspectionRates> verdicts;
};

// What the model said about one sample of an evaluation pass.
struct Prediction {
    std::size_t sample = 0; // index into the loader's samples
    std::int64_t truth = 0;
    std::int64_t predicted = 0;
    float confidence = 0; // the head's score of `predicted` (a probability)
    // The image's own share of `confusion`, truth-major (what a click on a matrix cell lists
    // images by): a segmentation image's pixel matrix, a detection image's box matrix with
    // its background row and column; empty for other tasks.
    std::vector<std::int64_t> pixels;
};

struct EvaluationResult {
    Evaluation evaluation;
    std::vector<Prediction> predictions; // in sample order
};

} // namespace kestrel::tasks
