#include "anomaly/coreset.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <utility>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/TensorOperators.h>
#include <ATen/ops/matmul.h>
#include <ATen/ops/randint.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/tensor.h>
#include <c10/core/GradMode.h>

namespace kestrel::anomaly {

namespace {

constexpr std::int64_t kProjectedDimensions = 128;

// |a - b|^2 over `size` floats, in sixteen independent sums the compiler can vectorise. The
// greedy coreset spends its time here: the build targets plain x86-64 (SSE2), so GCC also
// compiles AVX2 and AVX-512 versions and the loader picks the CPU's best.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__) &&                             \
    !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
float squaredDistance(const float* a, const float* b, std::int64_t size) {
    float sums[16] = {};
    std::int64_t i = 0;
    for (; i + 16 <= size; i += 16) {
        for (int k = 0; k < 16; ++k) {
            const float d = a[i + k] - b[i + k];
            sums[k] += d * d;
        }
    }
    float total = 0;
    for (; i < size; ++i) {
        total += (a[i] - b[i]) * (a[i] - b[i]);
    }
    for (const float s : sums) {
        total += s;
    }
    return total;
}

// The rows nearest to one taken row, and the farthest of them.
struct Cell {
    std::vector<std::int32_t> rows;
    float radius = 0; // squared
    std::int32_t farthest = -1;

    void measure(const std::vector<float>& nearest) {
        radius = -1;
        farthest = -1;
        for (const auto row : rows) {
            if (nearest[static_cast<std::size_t>(row)] > radius) {
                radius = nearest[static_cast<std::size_t>(row)];
                farthest = row;
            }
        }
        radius = std::max(radius, 0.0F);
    }
};

// Moves the rows of `cell` (taken row at `centre`) that are nearer to the new pick `q` into
// `moved`, lowering their nearest distances, and measures the cell again.
template <typename RowOf>
void updateCell(Cell& cell, const float* centre, const float* q, std::int64_t dimensions,
                const RowOf& rowOf, std::vector<float>& nearest, std::vector<std::int32_t>& moved) {
    // |q - c| >= 2 r: every row of the cell stays nearer to c (in squares: 4 r^2).
    if (cell.rows.empty() || squaredDistance(q, centre, dimensions) >= 4.0F * cell.radius) {
        return;
    }
    std::size_t kept = 0;
    for (const auto row : cell.rows) {
        const float distance = squaredDistance(rowOf(row), q, dimensions);
        if (distance < nearest[static_cast<std::size_t>(row)]) {
            nearest[static_cast<std::size_t>(row)] = distance;
            moved.push_back(row);
        } else {
            cell.rows[kept++] = row;
        }
    }
    cell.rows.resize(kept);
    cell.measure(nearest);
}

// Cells per parallel task: most are ruled out by one distance, so a task needs many.
constexpr std::int64_t kCellsPerTask = 512;

} // namespace

Coreset greedyCoreset(const at::Tensor& features, std::int64_t count, std::uint64_t seed,
                      const FitProgressCallback& progress, const std::atomic<bool>* stop) {
    c10::NoGradGuard noGrad;
    auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    const auto rows = features.size(0);
    at::Tensor projected = features.to(at::kFloat);
    if (features.size(1) > kProjectedDimensions) {
        const auto projection =
            at::randn({features.size(1), kProjectedDimensions}, generator, projected.options()) /
            std::sqrt(static_cast<double>(kProjectedDimensions));
        projected = at::matmul(projected, projection);
    }
    projected = projected.contiguous();
    const auto dimensions = projected.size(1);
    const float* data = projected.data_ptr<float>();
    const auto rowOf = [&](std::int64_t row) {
        return data + row * dimensions;
    };

    std::vector<std::int64_t> taken;
    taken.reserve(static_cast<std::size_t>(count));
    std::vector<float> nearest(static_cast<std::size_t>(rows)); // squared, to its taken row
    std::vector<Cell> cells;
    cells.reserve(static_cast<std::size_t>(count));

    const auto first = at::randint(rows, {1}, generator).item<std::int64_t>();
    taken.push_back(first);
    cells.emplace_back();
    cells.back().rows.resize(static_cast<std::size_t>(rows));
    for (std::int64_t row = 0; row < rows; ++row) {
        nearest[static_cast<std::size_t>(row)] =
            squaredDistance(rowOf(row), rowOf(first), dimensions);
        cells.back().rows[static_cast<std::size_t>(row)] = static_cast<std::int32_t>(row);
    }
    cells.back().measure(nearest);

    std::vector<float> betweenPicks; // squared distances from the new pick to the taken rows
    for (std::int64_t i = 1; i < count; ++i) {
        if (i % 256 == 0) {
            if (stop != nullptr && stop->load()) {
                throw FitCancelled{};
            }
            if (progress) {
                progress({"coreset", i, count});
            }
        }
        // The farthest row from everything taken: the farthest of the widest cell.
        // (An empty cell never wins, even when every row is already taken.)
        const auto widest =
            std::max_element(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) {
                return std::make_pair(!a.rows.empty(), a.radius) <
                       std::make_pair(!b.rows.empty(), b.radius);
            });
        const std::int64_t pick = widest->farthest;
        taken.push_back(pick);
        const float* q = rowOf(pick);
        Cell fresh;
        std::mutex freshMutex;
        // Cells own disjoint rows, so threads can update them side by side; each chunk hands
        // the rows the pick took over to the new cell at its end.
        at::parallel_for(0, static_cast<std::int64_t>(cells.size()), kCellsPerTask,
                         [&](std::int64_t begin, std::int64_t end) {
                             std::vector<std::int32_t> moved;
                             for (std::int64_t c = begin; c < end; ++c) {
                                 updateCell(cells[static_cast<std::size_t>(c)],
                                            rowOf(taken[static_cast<std::size_t>(c)]), q,
                                            dimensions, rowOf, nearest, moved);
                             }
                             const std::lock_guard lock(freshMutex);
                             fresh.rows.insert(fresh.rows.end(), moved.begin(), moved.end());
                         });
        // In row order whatever the threads' timing, so the next pick (the first farthest
        // row) does not depend on it.
        std::sort(fresh.rows.begin(), fresh.rows.end());
        fresh.measure(nearest);
        cells.push_back(std::move(fresh));
    }
    if (progress) {
        progress({"coreset", count, count});
    }
    float radius = 0;
    for (const auto& cell : cells) {
        radius = std::max(radius, cell.radius);
    }
    return {at::tensor(taken, at::kLong), std::sqrt(static_cast<double>(radius))};
}

} // namespace kestrel::anomaly
