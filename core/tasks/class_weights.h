#pragma once

#include <cstdint>
#include <vector>

namespace kestrel::tasks {

// Loss weights for imbalanced data: each class weighs total / (classes x its count), so a
// balanced dataset gets all ones and a rare class counts as much as a common one overall.
// A class with no samples gets weight 0 (it cannot contribute to the loss anyway).
std::vector<double> inverseFrequencyWeights(const std::vector<std::int64_t>& counts);

} // namespace kestrel::tasks
