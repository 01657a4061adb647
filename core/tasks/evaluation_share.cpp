#include "tasks/evaluation_share.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace kestrel::tasks {

namespace {

template <typename T>
void append(std::vector<T>& to, std::vector<T>& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

// `entries` (one per prediction, or none) in `order`.
template <typename T>
std::vector<T> reordered(std::vector<T>& entries, const std::vector<std::size_t>& order) {
    if (entries.empty()) {
        return {};
    }
    std::vector<T> sorted;
    sorted.reserve(order.size());
    for (const std::size_t i : order) {
        sorted.push_back(std::move(entries[i]));
    }
    return sorted;
}

template <typename Box>
void sortByImage(std::vector<Box>& boxes) {
    std::stable_sort(boxes.begin(), boxes.end(),
                     [](const Box& a, const Box& b) { return a.image < b.image; });
}

} // namespace

EvaluationShare mergeShares(std::vector<EvaluationShare> shares) {
    EvaluationShare all;
    for (EvaluationShare& share : shares) {
        all.lossSum += share.lossSum;
        all.seen += share.seen;
        append(all.predictions, share.predictions);
        append(all.positiveScores, share.positiveScores);
        append(all.areas, share.areas);
        append(all.truthBoxes, share.truthBoxes);
        append(all.detectedBoxes, share.detectedBoxes);
    }
    std::vector<std::size_t> order(all.predictions.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return all.predictions[a].sample < all.predictions[b].sample;
    });
    all.predictions = reordered(all.predictions, order);
    all.positiveScores = reordered(all.positiveScores, order);
    all.areas = reordered(all.areas, order);
    sortByImage(all.truthBoxes);
    sortByImage(all.detectedBoxes);
    return all;
}

} // namespace kestrel::tasks
