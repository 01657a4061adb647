#include "tasks/detection_losses.h"

#include <algorithm>

#include <ATen/Functions.h>
#include <ATen/TensorOperators.h>

namespace kestrel::tasks {

at::Tensor sigmoidFocalLoss(const at::Tensor& logits, const at::Tensor& targets, double alpha,
                            double gamma) {
    const at::Tensor p = at::sigmoid(logits);
    const at::Tensor crossEntropy =
        at::binary_cross_entropy_with_logits(logits, targets, {}, {}, at::Reduction::None);
    const at::Tensor pt = p * targets + (1 - p) * (1 - targets);
    at::Tensor loss = crossEntropy * at::pow(1 - pt, gamma);
    if (alpha >= 0) {
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss;
    }
    return loss.sum();
}

at::Tensor generalizedIouLoss(const at::Tensor& predicted, const at::Tensor& truth) {
    const at::Tensor x0 = predicted.select(1, 0), y0 = predicted.select(1, 1);
    const at::Tensor x1 = predicted.select(1, 2), y1 = predicted.select(1, 3);
    const at::Tensor tx0 = truth.select(1, 0), ty0 = truth.select(1, 1);
    const at::Tensor tx1 = truth.select(1, 2), ty1 = truth.select(1, 3);
    constexpr double eps = 1e-7; // torchvision's
    const at::Tensor ix0 = at::max(x0, tx0), iy0 = at::max(y0, ty0);
    const at::Tensor ix1 = at::min(x1, tx1), iy1 = at::min(y1, ty1);
    const at::Tensor overlapping = (iy1 > iy0) & (ix1 > ix0);
    const at::Tensor intersection =
        at::where(overlapping, (ix1 - ix0) * (iy1 - iy0), at::zeros_like(x0));
    const at::Tensor united = (x1 - x0) * (y1 - y0) + (tx1 - tx0) * (ty1 - ty0) - intersection;
    const at::Tensor iou = intersection / (united + eps);
    const at::Tensor cx0 = at::min(x0, tx0), cy0 = at::min(y0, ty0);
    const at::Tensor cx1 = at::max(x1, tx1), cy1 = at::max(y1, ty1);
    const at::Tensor enclosing = (cx1 - cx0) * (cy1 - cy0);
    const at::Tensor giou = iou - (enclosing - united) / (enclosing + eps);
    return (1 - giou).sum();
}

at::Tensor decodeDistances(const at::Tensor& distances, const at::Tensor& centres,
                           const at::Tensor& strides) {
    const at::Tensor scaled = distances * strides.unsqueeze(-1);
    const at::Tensor x = centres.select(-1, 0);
    const at::Tensor y = centres.select(-1, 1);
    return at::stack({x - scaled.select(-1, 0), y - scaled.select(-1, 1), x + scaled.select(-1, 2),
                      y + scaled.select(-1, 3)},
                     -1);
}

FcosLoss fcosLoss(const at::Tensor& classLogits, const at::Tensor& boxDistances,
                  const at::Tensor& centrenessLogits, const std::vector<FcosTargets>& targets,
                  const at::Tensor& centres, const at::Tensor& strides) {
    const auto device = classLogits.device();
    std::vector<at::Tensor> categories;
    std::vector<at::Tensor> boxes;
    std::vector<at::Tensor> centrenessBoxes;
    for (const FcosTargets& target : targets) {
        categories.push_back(target.category.to(device));
        boxes.push_back(target.box.to(device));
        centrenessBoxes.push_back(
            (target.centrenessBox.defined() ? target.centrenessBox : target.box).to(device));
    }
    const at::Tensor category = at::stack(categories); // [B, N]
    const at::Tensor truthBoxes = at::stack(boxes);    // [B, N, 4]
    const at::Tensor foreground = category >= 0;       // [B, N]
    const double count = std::max<double>(1.0, foreground.sum().item<double>());

    // One-hot targets, all zero for background.
    at::Tensor oneHot = at::zeros_like(classLogits);
    oneHot.scatter_(2, category.clamp_min(0).unsqueeze(-1), 1.0);
    oneHot = oneHot * foreground.unsqueeze(-1).to(oneHot.scalar_type());

    FcosLoss loss;
    loss.classification = sigmoidFocalLoss(classLogits, oneHot) / count;

    const at::Tensor cellCentresOnDevice = centres.to(device);
    const at::Tensor cellStridesOnDevice = strides.to(device);
    const at::Tensor predicted = decodeDistances(boxDistances, cellCentresOnDevice.unsqueeze(0),
                                                 cellStridesOnDevice.unsqueeze(0));
    const at::Tensor predictedForeground = predicted.index({foreground});
    const at::Tensor truthForeground = truthBoxes.index({foreground});
    loss.box = generalizedIouLoss(predictedForeground, truthForeground) / count;

    // Centreness of each foreground cell's point in its box: sqrt of the two sides' ratios.
    const at::Tensor points =
        cellCentresOnDevice.unsqueeze(0).expand({category.size(0), -1, -1}).index({foreground});
    const at::Tensor around = at::stack(centrenessBoxes).index({foreground});
    const at::Tensor left = points.select(1, 0) - around.select(1, 0);
    const at::Tensor top = points.select(1, 1) - around.select(1, 1);
    const at::Tensor right = around.select(1, 2) - points.select(1, 0);
    const at::Tensor bottom = around.select(1, 3) - points.select(1, 1);
    const at::Tensor centreness = at::sqrt((at::min(left, right) / at::max(left, right)) *
                                           (at::min(top, bottom) / at::max(top, bottom)));
    loss.centreness = at::binary_cross_entropy_with_logits(centrenessLogits.index({foreground}),
                                                           centreness, {}, {}, at::Reduction::Sum) /
                      count;
    return loss;
}

} // namespace kestrel::tasks
