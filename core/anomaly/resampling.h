#pragma once

#include <cstdint>

#include <ATen/core/Tensor.h>

namespace kestrel::anomaly {

// Resizing and smoothing along one side of a feature map, as matrices (out x in, float32):
// a map X (h x w) becomes R X C^T. Both the eager model and the exporters resample this way,
// so all three compute the same thing, and OpenCV 4.6 runs it (two MatMuls) where its Resize
// and reflect-padded blur would each need care.

// torch's bilinear interpolation with align_corners=False.
at::Tensor bilinearMatrix(std::int64_t in, std::int64_t out);
// torch's "nearest" interpolation: output i reads input floor(i * in / out).
at::Tensor nearestMatrix(std::int64_t in, std::int64_t out);
// A Gaussian blur of standard deviation `sigma` over `size` samples with reflected borders
// (torch's "reflect" padding), the kernel 2 * int(4 sigma + 0.5) + 1 wide, as anomalib's.
at::Tensor gaussianBlurMatrix(std::int64_t size, double sigma);

// Applies a side's matrices to the last two dimensions of `maps` (... x h x w).
at::Tensor resample(const at::Tensor& maps, const at::Tensor& rows, const at::Tensor& columns);

// anomalib's map smoothing: sigma 4 at the image size.
inline constexpr double kMapSigma = 4.0;

} // namespace kestrel::anomaly
