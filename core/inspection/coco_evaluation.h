#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace kestrel::inspection {

// COCO's box evaluation (pycocotools' COCOeval with iouType "bbox", area range "all"),
// LibTorch-free so widgets can draw its curves. Debian packages no pycocotools: the tests
// hold cases computed by hand from its definition.

// A box as COCO writes it: top-left corner, width and height, in pixels.
struct CocoBox {
    double x = 0.0;
    double y = 0.0;
    double width = 0.0;
    double height = 0.0;
};

// A drawn box. A crowd box marks a region of many defects: a detection inside it is neither
// right nor wrong, and missing it is no miss.
struct TruthBox {
    std::int64_t image = 0;
    int category = 0;
    CocoBox box;
    bool crowd = false;
};

struct DetectedBox {
    std::int64_t image = 0;
    int category = 0;
    CocoBox box;
    double score = 0.0;
};

// pycocotools' bbIou: intersection over union; over the detection's own area for a crowd box.
double cocoIou(const CocoBox& detection, const CocoBox& truth, bool crowd);

constexpr int kCocoIouThresholds = 10;     // 0.50, 0.55, ..., 0.95
constexpr int kCocoRecallThresholds = 101; // 0.00, 0.01, ..., 1.00

// numpy.linspace's values, to the bit, as COCOeval compares with them.
const std::array<double, kCocoIouThresholds>& cocoIouThresholds();
const std::array<double, kCocoRecallThresholds>& cocoRecallThresholds();

struct CocoCategoryResult {
    int category = 0;
    std::int64_t truthCount = 0; // boxes that count (not crowd)
    // Empty when the category has no box that counts: COCO leaves it out of every mean.
    std::optional<double> ap;   // mean over the 10 IoU thresholds and 101 recall points
    std::optional<double> ap50; // at IoU 0.50
    std::optional<double> ap75; // at IoU 0.75
    // The interpolated precision at each recall threshold for each IoU threshold, [0] (IoU
    // 0.50) being the PR curve the window shows (0 past the largest recall reached); empty
    // when `ap` is.
    std::vector<std::array<double, kCocoRecallThresholds>> precision; // [IoU threshold]
    std::optional<double> recall50; // the largest recall reached at IoU 0.50
};

struct CocoEvaluation {
    // Means over the categories that have boxes that count; empty when none has.
    std::optional<double> map;                  // mAP@[.50:.95], COCO's "AP"
    std::optional<double> map50;                // "AP50"
    std::optional<double> map75;                // "AP75"
    std::vector<CocoCategoryResult> categories; // in the order asked for
};

// Evaluates `detections` against `truth` for each of `categories`, keeping each image's
// `maxDetections` best scored per category (COCO's maxDets, 100), matching greedily by
// score at each IoU threshold as COCOeval.evaluateImg does and accumulating its 101-point
// interpolated precision. Images are taken in increasing id and tied scores in the order
// given, as COCOeval's stable sorts do.
CocoEvaluation evaluateCoco(const std::vector<TruthBox>& truth,
                            const std::vector<DetectedBox>& detections,
                            const std::vector<int>& categories, int maxDetections = 100);

} // namespace kestrel::inspection
