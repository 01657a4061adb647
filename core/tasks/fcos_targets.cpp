#include "tasks/fcos_targets.h"

#include <limits>

#include <ATen/Functions.h>
#include <ATen/TensorOperators.h>

namespace kestrel::tasks {

at::Tensor cellCentres(const std::vector<FeatureLevel>& levels) {
    std::vector<at::Tensor> parts;
    for (const FeatureLevel& level : levels) {
        const at::Tensor xs =
            (at::arange(level.columns, at::kFloat) + 0.5) * static_cast<double>(level.stride);
        const at::Tensor ys =
            (at::arange(level.rows, at::kFloat) + 0.5) * static_cast<double>(level.stride);
        const std::vector<at::Tensor> grid = at::meshgrid({ys, xs}, "ij");
        parts.push_back(at::stack({grid[1].reshape({-1}), grid[0].reshape({-1})}, 1));
    }
    return parts.empty() ? at::zeros({0, 2}, at::kFloat) : at::cat(parts, 0);
}

at::Tensor cellStrides(const std::vector<FeatureLevel>& levels) {
    std::vector<at::Tensor> parts;
    for (const FeatureLevel& level : levels) {
        parts.push_back(at::full({static_cast<std::int64_t>(level.rows) * level.columns},
                                 static_cast<double>(level.stride), at::kFloat));
    }
    return parts.empty() ? at::zeros({0}, at::kFloat) : at::cat(parts, 0);
}

FcosTargets assignFcosTargets(const std::vector<imaging::ClassBox>& boxes,
                              const std::vector<FeatureLevel>& levels,
                              const FcosAssignment& assignment) {
    return assignFcosTargets(boxes, levels, cellCentres(levels), cellStrides(levels), assignment);
}

FcosTargets assignFcosTargets(const std::vector<imaging::ClassBox>& boxes,
                              const std::vector<FeatureLevel>& levels, const at::Tensor& centres,
                              const at::Tensor& strides, const FcosAssignment& assignment) {
    const std::int64_t cells = centres.size(0);
    FcosTargets targets;
    targets.category = at::full({cells}, -1, at::kLong);
    targets.box = at::zeros({cells, 4}, at::kFloat);
    targets.matched = at::full({cells}, -1, at::kLong);
    targets.centrenessBox = targets.box;
    if (boxes.empty() || cells == 0) {
        return targets;
    }
    const auto count = static_cast<std::int64_t>(boxes.size());
    at::Tensor corners = at::empty({count, 4}, at::kFloat);
    at::Tensor categories = at::empty({count}, at::kLong);
    auto corner = corners.accessor<float, 2>();
    auto category = categories.accessor<std::int64_t, 1>();
    for (std::int64_t i = 0; i < count; ++i) {
        const annotations::Box& box = boxes[static_cast<std::size_t>(i)].box;
        corner[i][0] = static_cast<float>(box.x);
        corner[i][1] = static_cast<float>(box.y);
        corner[i][2] = static_cast<float>(box.right());
        corner[i][3] = static_cast<float>(box.bottom());
        category[i] = boxes[static_cast<std::size_t>(i)].category;
    }
    const at::Tensor boxCentres = (corners.slice(1, 0, 2) + corners.slice(1, 2, 4)) / 2;
    const at::Tensor radius = (strides * assignment.centreRadius).view({cells, 1, 1});
    const at::Tensor offsets = (centres.unsqueeze(1) - boxCentres.unsqueeze(0)).abs();
    const at::Tensor x = centres.select(1, 0).unsqueeze(1);
    const at::Tensor y = centres.select(1, 1).unsqueeze(1);
    const at::Tensor distances =
        at::stack({x - corners.select(1, 0).unsqueeze(0), y - corners.select(1, 1).unsqueeze(0),
                   corners.select(1, 2).unsqueeze(0) - x, corners.select(1, 3).unsqueeze(0) - y},
                  2);
    // [cells, boxes]: near enough the centre (in Chebyshev distance, per side for thin
    // boxes), and inside the box.
    at::Tensor match;
    at::Tensor grown; // [cells, boxes, 4] for thin boxes
    if (assignment.thinBoxes) {
        const at::Tensor sides = (corners.slice(1, 2, 4) - corners.slice(1, 0, 2)).unsqueeze(0);
        match = (offsets < at::max(radius, sides / 4)).all(2);
        // 1.5 strides: a row of points lies strictly inside, whatever the box's offset.
        const at::Tensor half = at::max(sides, strides.view({cells, 1, 1}) * 1.5) / 2;
        const at::Tensor centre = boxCentres.unsqueeze(0);
        grown = at::cat({centre - half, centre + half}, 2);
        const at::Tensor growth = half - sides / 2; // per axis, on both sides
        match &= (distances + at::cat({growth, growth}, 2)).amin(2) > 0;
    } else {
        match = offsets.amax(2) < radius.squeeze(2);
        match &= distances.amin(2) > 0;
    }
    at::Tensor lower = strides * 4;
    at::Tensor upper = strides * 8;
    if (!levels.empty()) {
        const std::int64_t first =
            static_cast<std::int64_t>(levels.front().rows) * levels.front().columns;
        const std::int64_t last =
            static_cast<std::int64_t>(levels.back().rows) * levels.back().columns;
        lower.slice(0, 0, first).fill_(0.0);
        upper.slice(0, cells - last, cells).fill_(std::numeric_limits<float>::infinity());
    }
    const at::Tensor farthest = distances.amax(2);
    match &= (farthest > lower.unsqueeze(1)) & (farthest < upper.unsqueeze(1));
    // The smallest matching box: the largest 1e8 - area among matches.
    const at::Tensor areas = (corners.select(1, 2) - corners.select(1, 0)) *
                             (corners.select(1, 3) - corners.select(1, 1));
    const at::Tensor preference = match.to(at::kFloat) * (1e8 - areas).unsqueeze(0);
    const auto [best, index] = preference.max(1);
    const at::Tensor matched = at::where(best < 1e-5, at::full_like(index, -1), index);
    const at::Tensor foreground = matched >= 0;
    const at::Tensor safe = matched.clamp_min(0);
    targets.matched = matched;
    targets.category =
        at::where(foreground, categories.index_select(0, safe), at::full_like(matched, -1));
    const at::Tensor keep = foreground.unsqueeze(1).to(at::kFloat);
    targets.box = corners.index_select(0, safe) * keep;
    if (grown.defined()) {
        const at::Tensor rows = at::arange(cells, at::kLong);
        targets.centrenessBox = grown.index({rows, safe}) * keep;
    } else {
        targets.centrenessBox = targets.box;
    }
    return targets;
}

} // namespace kestrel::tasks
