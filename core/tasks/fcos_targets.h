#pragma once

#include "imaging/class_box.h"
#include "inspection/fcos_decoding.h"

#include <vector>

#include <ATen/core/Tensor.h>

namespace kestrel::tasks {

using inspection::FeatureLevel;

// Every cell's point, level after level, row-major within a level: [N, 2] float (x, y).
at::Tensor cellCentres(const std::vector<FeatureLevel>& levels);
// Every cell's stride, in the same order: [N] float.
at::Tensor cellStrides(const std::vector<FeatureLevel>& levels);

// What each cell should predict for one image.
struct FcosTargets {
    at::Tensor category; // [N] int64: the matched box's category, -1 for background
    at::Tensor box;      // [N, 4] float x0, y0, x1, y1 of the matched box (0 for background)
    at::Tensor matched;  // [N] int64: index of the matched box in the input, -1 for none
    // [N, 4] float: the box each cell's centreness is measured in: `box`, or for a thin box
    // (FcosAssignment::thinBoxes) the box grown to 1.5 strides a side, whose centreness stays
    // positive at the cells that answer for it.
    at::Tensor centrenessBox;
};

struct FcosAssignment {
    double centreRadius = 1.5; // in strides
    // Defects a pixel or three wide (scratches, cracks) often hold no cell's point at all, so
    // plain FCOS never learns them. With this, each box is grown about its centre to at
    // least 1.5 strides a side before the inside test, and centre sampling reaches a quarter of
    // each side from the centre when that is more than centreRadius strides: a long, thin
    // box gets a row of cells along its middle. Off: torchvision's assignment exactly.
    bool thinBoxes = false;
};

// FCOS's assignment as torchvision 0.14's FCOS.compute_loss makes it, with one anchor a cell
// of its level's stride: a cell answers for a box when its point lies inside the box and
// within `centreRadius` strides of the box's centre (centre sampling), and the box's
// farthest side from it is within its level's range (4 to 8 strides; from 0 on the first
// level, without limit on the last), so small defects land on fine levels and large ones
// on coarse; of several such boxes, the smallest. `centres` and `strides` are cellCentres's
// and cellStrides's for `levels`.
FcosTargets assignFcosTargets(const std::vector<imaging::ClassBox>& boxes,
                              const std::vector<FeatureLevel>& levels, const at::Tensor& centres,
                              const at::Tensor& strides, const FcosAssignment& assignment = {});
// The same, computing the cells' points.
FcosTargets assignFcosTargets(const std::vector<imaging::ClassBox>& boxes,
                              const std::vector<FeatureLevel>& levels,
                              const FcosAssignment& assignment = {});

} // namespace kestrel::tasks
