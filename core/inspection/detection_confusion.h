#pragma once

#include "inspection/coco_evaluation.h"

#include <cstdint>
#include <vector>

namespace kestrel::inspection {

// A detector's confusion matrix with a background row and column: rows are the drawn boxes'
// classes then "background" (a detection where nothing was drawn: a false alarm), columns the
// detected classes then "background" (a drawn box nothing detected: a miss). Categories are
// indexes 0..classes-1.
struct DetectionConfusion {
    int classes = 0;
    std::vector<std::int64_t> counts; // (classes + 1) x (classes + 1), row-major
    // The images of each cell's boxes, each once, in increasing id: what a click on the cell
    // lists. Same layout as `counts`.
    std::vector<std::vector<std::int64_t>> images;

    int background() const { return classes; }
    std::int64_t count(int truthClass, int detectedClass) const;
    const std::vector<std::int64_t>& imagesOf(int truthClass, int detectedClass) const;
    std::int64_t misses() const;      // the background column, without its background row
    std::int64_t falseAlarms() const; // the background row, without its background column
};

struct DetectionMatching {
    double minScore = 0.25; // detections below are not shown to the line, so not counted
    double minIou = 0.5;
};

// Pairs each image's detections (at or above minScore) with its drawn boxes whatever their
// classes, the highest IoU pairs first, each box and detection once, a pair needing minIou:
// a defect boxed under the wrong class is a confusion between the two, not a miss and a
// false alarm. A detection overlapping a crowd box by minIou of its own area is left out, and
// a crowd box is never missed. A box whose category is outside 0..classes-1 is refused
// (kestrel::Error naming its image and class).
DetectionConfusion detectionConfusion(const std::vector<TruthBox>& truth,
                                      const std::vector<DetectedBox>& detections, int classes,
                                      const DetectionMatching& matching = {});

} // namespace kestrel::inspection
