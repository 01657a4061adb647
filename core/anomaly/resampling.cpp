#include "anomaly/resampling.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <ATen/ops/matmul.h>
#include <ATen/ops/zeros.h>

namespace kestrel::anomaly {

at::Tensor bilinearMatrix(std::int64_t in, std::int64_t out) {
    auto matrix = at::zeros({out, in});
    auto m = matrix.accessor<float, 2>();
    const double scale = static_cast<double>(in) / static_cast<double>(out);
    for (std::int64_t i = 0; i < out; ++i) {
        const double source = std::max(0.0, (static_cast<double>(i) + 0.5) * scale - 0.5);
        const auto low = std::min(static_cast<std::int64_t>(source), in - 1);
        const auto high = std::min(low + 1, in - 1);
        const double fraction = source - static_cast<double>(low);
        m[i][low] += static_cast<float>(1.0 - fraction);
        m[i][high] += static_cast<float>(fraction);
    }
    return matrix;
}

at::Tensor nearestMatrix(std::int64_t in, std::int64_t out) {
    auto matrix = at::zeros({out, in});
    auto m = matrix.accessor<float, 2>();
    const double scale = static_cast<double>(in) / static_cast<double>(out);
    for (std::int64_t i = 0; i < out; ++i) {
        const auto source = std::min(static_cast<std::int64_t>(std::floor(i * scale)), in - 1);
        m[i][source] = 1.0F;
    }
    return matrix;
}

at::Tensor gaussianBlurMatrix(std::int64_t size, double sigma) {
    const auto radius = static_cast<std::int64_t>(4.0 * sigma + 0.5);
    std::vector<double> kernel(static_cast<std::size_t>(2 * radius + 1));
    double total = 0;
    for (std::int64_t k = -radius; k <= radius; ++k) {
        const double value = std::exp(-0.5 * static_cast<double>(k * k) / (sigma * sigma));
        kernel[static_cast<std::size_t>(k + radius)] = value;
        total += value;
    }
    // Reflection without repeating the edge: -1 reads 1, size reads size - 2.
    const auto reflect = [size](std::int64_t index) {
        if (size == 1) {
            return std::int64_t{0};
        }
        const std::int64_t period = 2 * (size - 1);
        index = ((index % period) + period) % period;
        return index < size ? index : period - index;
    };
    auto matrix = at::zeros({size, size});
    auto m = matrix.accessor<float, 2>();
    for (std::int64_t i = 0; i < size; ++i) {
        for (std::int64_t k = -radius; k <= radius; ++k) {
            m[i][reflect(i + k)] +=
                static_cast<float>(kernel[static_cast<std::size_t>(k + radius)] / total);
        }
    }
    return matrix;
}

at::Tensor resample(const at::Tensor& maps, const at::Tensor& rows, const at::Tensor& columns) {
    return at::matmul(at::matmul(maps, columns.t()).transpose(-2, -1), rows.t()).transpose(-2, -1);
}

} // namespace kestrel::anomaly
