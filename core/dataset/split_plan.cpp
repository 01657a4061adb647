#include "dataset/split_plan.h"

#include <algorithm>
#include <random>
#include <xxhash.h>

namespace kestrel::dataset {

namespace {

// Whole-number split sizes for `total` samples, rounding by largest remainder.
SplitCounts3 targetSizes(std::int64_t total, const SplitRatios& ratios) {
    const std::array<double, 3> weights = {ratios.train, ratios.val, ratios.test};
    const double sum = weights[0] + weights[1] + weights[2];
    SplitCounts3 sizes{};
    std::array<double, 3> remainders{};
    std::int64_t assigned = 0;
    for (std::size_t k = 0; k < 3; ++k) {
        const double exact = static_cast<double>(total) * weights[k] / sum;
        sizes[k] = static_cast<std::int64_t>(exact);
        remainders[k] = exact - static_cast<double>(sizes[k]);
        assigned += sizes[k];
    }
    while (assigned < total) {
        const auto k = static_cast<std::size_t>(
            std::max_element(remainders.begin(), remainders.end()) - remainders.begin());
        ++sizes[k];
        remainders[k] = -1.0;
        ++assigned;
    }
    return sizes;
}

} // namespace

std::vector<int> planSplits(const std::vector<std::string>& strata,
                            const std::map<std::string, SplitCounts3>& existing,
                            const SplitRatios& ratios, std::uint64_t seed) {
    std::map<std::string, std::vector<std::size_t>> members;
    for (std::size_t i = 0; i < strata.size(); ++i) {
        members[strata[i]].push_back(i);
    }
    std::vector<int> plan(strata.size(), 0);
    for (const auto& [stratum, indices] : members) {
        const auto found = existing.find(stratum);
        const SplitCounts3 before = found != existing.end() ? found->second : SplitCounts3{};
        const auto fresh = static_cast<std::int64_t>(indices.size());
        const SplitCounts3 target = targetSizes(before[0] + before[1] + before[2] + fresh, ratios);

        // Fill each split's shortfall first, then hand out what is left in ratio order.
        std::vector<int> slots;
        for (int k = 0; k < 3; ++k) {
            const std::int64_t shortfall = std::max<std::int64_t>(0, target[k] - before[k]);
            for (std::int64_t n = 0;
                 n < shortfall && static_cast<std::int64_t>(slots.size()) < fresh; ++n) {
                slots.push_back(k);
            }
        }
        while (static_cast<std::int64_t>(slots.size()) < fresh) {
            slots.push_back(0);
        }
        // xxHash rather than std::hash: the plan must not change with the standard library.
        std::mt19937_64 random(seed ^ XXH3_64bits(stratum.data(), stratum.size()));
        std::shuffle(slots.begin(), slots.end(), random);
        for (std::size_t j = 0; j < indices.size(); ++j) {
            plan[indices[j]] = slots[j];
        }
    }
    return plan;
}

} // namespace kestrel::dataset
