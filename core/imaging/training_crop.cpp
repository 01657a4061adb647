#include "imaging/training_crop.h"

#include <algorithm>
#include <cstdint>

#include <opencv2/core.hpp>

namespace kestrel::imaging {

namespace {

// The n-th (0-based) nonzero pixel of `mask` in row order; `mask` has more than n of them.
cv::Point nthDefectPixel(const cv::Mat& mask, std::uint64_t n) {
    for (int y = 0; y < mask.rows; ++y) {
        const std::uint8_t* row = mask.ptr<std::uint8_t>(y);
        for (int x = 0; x < mask.cols; ++x) {
            if (row[x] != 0 && n-- == 0) {
                return {x, y};
            }
        }
    }
    return {mask.cols / 2, mask.rows / 2};
}

int uniformOffset(Random& random, int count) {
    return count <= 1 ? 0 : static_cast<int>(below(random, static_cast<std::uint64_t>(count)));
}

} // namespace

cv::Rect chooseTrainingCrop(const cv::Mat& mask, int side, double defectShare, Random& random) {
    const int width = std::clamp(side, 1, std::max(1, mask.cols));
    const int height = std::clamp(side, 1, std::max(1, mask.rows));
    const int spareX = mask.cols - width;
    const int spareY = mask.rows - height;
    const bool wantDefect = chance(random, defectShare);
    int left = uniformOffset(random, spareX + 1);
    int top = uniformOffset(random, spareY + 1);
    if (wantDefect && !mask.empty()) {
        const auto defects = static_cast<std::uint64_t>(cv::countNonZero(mask));
        if (defects > 0) {
            const cv::Point pixel = nthDefectPixel(mask, below(random, defects));
            // The pixel's place in the window: within its middle two thirds.
            const int placeX = width / 6 + uniformOffset(random, width - 2 * (width / 6));
            const int placeY = height / 6 + uniformOffset(random, height - 2 * (height / 6));
            left = std::clamp(pixel.x - placeX, 0, spareX);
            top = std::clamp(pixel.y - placeY, 0, spareY);
        }
    }
    return {left, top, width, height};
}

} // namespace kestrel::imaging
