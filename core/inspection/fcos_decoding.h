#pragma once

#include <cstddef>
#include <vector>

namespace kestrel::inspection {

// One level of a detector's feature pyramid: `stride` image pixels a cell, rows x columns
// cells. Cell (x, y) stands for the point ((x + 0.5) * stride, (y + 0.5) * stride), the
// centre of the pixels it covers in corner coordinates.
struct FeatureLevel {
    int stride = 8;
    int rows = 0;
    int columns = 0;
};

// The levels of a `width` x `height` input at `strides` (each side rounded up, as a stride-2
// convolution with padding rounds).
std::vector<FeatureLevel> featureLevels(int width, int height, const std::vector<int>& strides);

// The cells of all `levels`: a raw output's width.
std::size_t cellCount(const std::vector<FeatureLevel>& levels);

// A detected box in the input's pixel corner coordinates.
struct Detection {
    int category = 0;
    double score = 0.0;
    double x0 = 0.0;
    double y0 = 0.0;
    double x1 = 0.0;
    double y1 = 0.0;
};

// How raw outputs become boxes, as torchvision's FCOS.postprocess_detections makes them.
struct DetectionDecoding {
    double scoreThreshold = 0.05; // COCO evaluation's habit; torchvision's FCOS keeps 0.2
    int candidatesPerLevel = 1000;
    double nmsIou = 0.6; // per class
    int maxDetections = 100;
};

// Decodes one image's raw FCOS outputs, `raw` laid out (classes + 5) x cells channel-major
// (models::FcosDetector's: class logits, left/top/right/bottom distances in strides, the
// centreness logit), for `levels` in order. A cell's score for a class is
// sqrt(sigmoid(class logit) * sigmoid(centreness logit)); per level the `candidatesPerLevel`
// best scores above the threshold are kept, their boxes clipped to the `width` x `height`
// input, then greedy non-maximum suppression per class (IoU above nmsIou suppresses) leaves
// at most `maxDetections`, best first.
std::vector<Detection> decodeFcos(const float* raw, int classes,
                                  const std::vector<FeatureLevel>& levels, int width, int height,
                                  const DetectionDecoding& decoding = {});

// Intersection over union of two boxes (0 when either has no area).
double boxIou(const Detection& a, const Detection& b);

} // namespace kestrel::inspection
