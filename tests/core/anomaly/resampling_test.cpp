#include "anomaly/resampling.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace kestrel::anomaly {
namespace {

namespace F = torch::nn::functional;

TEST(ResamplingTest, BilinearMatrixIsTorchsInterpolationWithoutAlignedCorners) {
    torch::manual_seed(1);
    const auto maps = torch::rand({2, 3, 7, 5});
    const auto expected = F::interpolate(maps, F::InterpolateFuncOptions()
                                                   .size(std::vector<int64_t>{16, 11})
                                                   .mode(torch::kBilinear)
                                                   .align_corners(false));
    const auto got = resample(maps, bilinearMatrix(7, 16), bilinearMatrix(5, 11));
    EXPECT_LT((got - expected).abs().max().item<double>(), 1e-5);
}

TEST(ResamplingTest, NearestMatrixIsTorchsNearestInterpolation) {
    torch::manual_seed(2);
    const auto maps = torch::rand({1, 4, 7, 14});
    const auto expected = F::interpolate(
        maps, F::InterpolateFuncOptions().size(std::vector<int64_t>{28, 28}).mode(torch::kNearest));
    const auto got = resample(maps, nearestMatrix(7, 28), nearestMatrix(14, 28));
    EXPECT_EQ((got - expected).abs().max().item<double>(), 0.0);
}

TEST(ResamplingTest, GaussianBlurMatrixIsAReflectPaddedSeparableConvolution) {
    torch::manual_seed(3);
    const int size = 40;
    const double sigma = 4.0;
    const auto maps = torch::rand({1, 1, size, size});
    // The reference: a 33-tap kernel (2 * int(4 sigma + 0.5) + 1) over reflect padding.
    const int radius = 16;
    auto taps = torch::arange(-radius, radius + 1, torch::kFloat);
    auto kernel = torch::exp(-0.5 * taps * taps / (sigma * sigma));
    kernel = kernel / kernel.sum();
    const auto padded =
        F::pad(maps, F::PadFuncOptions({radius, radius, radius, radius}).mode(torch::kReflect));
    const auto expected =
        F::conv2d(F::conv2d(padded, kernel.view({1, 1, 1, -1})), kernel.view({1, 1, -1, 1}));
    const auto blur = gaussianBlurMatrix(size, sigma);
    const auto got = resample(maps, blur, blur);
    EXPECT_LT((got - expected).abs().max().item<double>(), 1e-5);
    // Every row sums to one: a flat map stays flat.
    EXPECT_LT((blur.sum(1) - 1).abs().max().item<double>(), 1e-5);
}

} // namespace
} // namespace kestrel::anomaly
