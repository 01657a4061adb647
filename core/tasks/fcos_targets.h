#pragma once

#include "imaging/box_geometry.h"

#include <vector>

#include <ATen/core/Tensor.h>

namespace kestrel::tasks {

// One level of a detector's feature pyramid: `stride` image pixels a cell, rows x columns
// cells. Cell (x, y) stands for the point ((x + 0.5) * stride, (y + 0.5) * stride), the
// centre of the pixels it covers in corner coordinates.
struct FeatureLevel {
    int stride = 8;
    int rows = 0;
    int columns = 0;
};

// Every cell's point, level after level, row-major within a level: [N, 2] float (x, y).
at::Tensor cellCentres(const std::vector<FeatureLevel>& levels);
// Every cell's stride, in the same order: [N] float.
at::Tensor cellStrides(const std::vector<FeatureLevel>& levels);

// What each cell should predict for one image.
struct FcosTargets {
    at::Tensor category; // [N] int64: the matched box's category, -1 for background
    at::Tensor box;      // [N, 4] float x0, y0, x1, y1 of the matched box (0 for background)
    at::Tensor matched;  // [N] int64: index of the matched box in the input, -1 for none
};

// FCOS's assignment as torchvision 0.14's FCOS.compute_loss makes it, with one anchor a cell
// of its level's stride: a cell answers for a box when its point lies inside the box and
// within `centreRadius` strides of the box's centre (centre sampling), and the box's
// farthest side from it is within its level's range (4 to 8 strides; from 0 on the first
// level, without limit on the last), so small defects land on fine levels and large ones
// on coarse; of several such boxes, the smallest.
FcosTargets assignFcosTargets(const std::vector<imaging::ClassBox>& boxes,
                              const std::vector<FeatureLevel>& levels, double centreRadius = 1.5);

} // namespace kestrel::tasks
