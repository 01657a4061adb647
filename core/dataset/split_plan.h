#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kestrel::dataset {

inline constexpr std::array<const char*, 3> kSplitNames = {"train", "val", "test"};

struct SplitRatios {
    double train = 0.70;
    double val = 0.15;
    double test = 0.15;
};

// Samples already in each split (train, val, test) for one stratum (a class, or unlabelled).
using SplitCounts3 = std::array<std::int64_t, 3>;

// Chooses splits for new samples without one, stratified by class: within each stratum the
// new samples fill the splits towards the ratios of the stratum's final size, and samples
// that already have a split never move (so adding data later keeps earlier splits stable).
// `strata[i]` is the stratum of new sample i; the answer is an index into kSplitNames for
// each. The same inputs and seed give the same answer.
std::vector<int> planSplits(const std::vector<std::string>& strata,
                            const std::map<std::string, SplitCounts3>& existing,
                            const SplitRatios& ratios, std::uint64_t seed);

} // namespace kestrel::dataset
