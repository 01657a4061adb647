#include "tasks/class_weights.h"

#include <numeric>

namespace kestrel::tasks {

std::vector<double> inverseFrequencyWeights(const std::vector<std::int64_t>& counts) {
    const auto total =
        static_cast<double>(std::accumulate(counts.begin(), counts.end(), std::int64_t{0}));
    std::size_t present = 0;
    for (auto count : counts) {
        present += count > 0 ? 1 : 0;
    }
    std::vector<double> weights(counts.size(), 0.0);
    for (std::size_t c = 0; c < counts.size(); ++c) {
        if (counts[c] > 0) {
            weights[c] = total / (static_cast<double>(present) * static_cast<double>(counts[c]));
        }
    }
    return weights;
}

} // namespace kestrel::tasks
