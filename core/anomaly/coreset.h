#pragma once

#include "anomaly/anomaly_fit.h"

#include <atomic>
#include <cstdint>

#include <ATen/core/Tensor.h>

namespace kestrel::anomaly {

// Greedy k-center selection (Sener and Savarese 2018, PatchCore's coreset): starting from a
// seeded random row, repeatedly takes the row farthest from those taken, measured on a seeded
// Gaussian projection to 128 dimensions. Returns the rows taken and the covering radius left
// (the largest distance from any row to its nearest taken one, in the projection).
//
// Every row remembers its nearest taken row; a new pick q only needs to look at the rows of
// a taken row c when |q - c| < 2 r_c (r_c: the farthest of c's rows), since otherwise the
// triangle inequality keeps each of them nearer to c. The picks are the plain algorithm's,
// and most rows are skipped once the picks cover the data.
struct Coreset {
    at::Tensor indices; // int64
    double radius = 0;
};
Coreset greedyCoreset(const at::Tensor& features, std::int64_t count, std::uint64_t seed,
                      const FitProgressCallback& progress, const std::atomic<bool>* stop = nullptr);

} // namespace kestrel::anomaly
