#pragma once

#include "loader/loader_options.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kestrel::loader {

// The sample indices one epoch serves, in order. Depends only on the labels, the options'
// shuffle/classBalanced/seed and the epoch number, never on threads or timing:
// - neither: 0, 1, ..., N-1;
// - shuffle: a permutation seeded by (seed, epoch);
// - classBalanced: N draws with replacement, each picking a class uniformly among those
//   present and then a sample of that class uniformly (weights 1 / class size).
std::vector<std::size_t> epochOrder(const std::vector<LoaderSample>& samples,
                                    const LoaderOptions& options, std::int64_t epoch);

} // namespace kestrel::loader
