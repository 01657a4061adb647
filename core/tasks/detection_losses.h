#pragma once

#include "tasks/fcos_targets.h"

#include <ATen/TensorOperators.h>
#include <ATen/core/Tensor.h>

namespace kestrel::tasks {

// torchvision.ops.sigmoid_focal_loss with reduction "sum": binary cross-entropy on each logit
// weighted by (1 - p_t)^gamma and alpha for positives, 1 - alpha for negatives. `targets` are
// 0/1 floats of the logits' shape.
at::Tensor sigmoidFocalLoss(const at::Tensor& logits, const at::Tensor& targets,
                            double alpha = 0.25, double gamma = 2.0);

// torchvision.ops.generalized_box_iou_loss with reduction "sum": 1 - GIoU of each pair of
// rows of `predicted` and `truth` ([M, 4] x0, y0, x1, y1).
at::Tensor generalizedIouLoss(const at::Tensor& predicted, const at::Tensor& truth);

// The FCOS loss of one batch, each part summed over the batch and divided by its number of
// foreground cells (at least 1), as torchvision's FCOSHead.compute_loss makes it.
struct FcosLoss {
    at::Tensor classification; // focal loss over every cell and class
    at::Tensor box;            // GIoU loss over foreground cells
    at::Tensor centreness;     // BCE of the centreness logit over foreground cells
    at::Tensor total() const { return classification + box + centreness; }
};

// `classLogits` [B, N, K], `boxDistances` [B, N, 4] (left, top, right, bottom distances
// from each cell's point, in strides: what the head predicts), `centrenessLogits` [B, N];
// `targets` one per image; `centres` and `strides` from cellCentres and cellStrides.
FcosLoss fcosLoss(const at::Tensor& classLogits, const at::Tensor& boxDistances,
                  const at::Tensor& centrenessLogits, const std::vector<FcosTargets>& targets,
                  const at::Tensor& centres, const at::Tensor& strides);

// Boxes x0, y0, x1, y1 from distances in strides, as the head's output is decoded.
at::Tensor decodeDistances(const at::Tensor& distances, const at::Tensor& centres,
                           const at::Tensor& strides);

} // namespace kestrel::tasks
