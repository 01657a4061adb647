#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace kestrel::testing {

// Writes `image` (OpenCV's BGR/BGRA/gray layout) with OpenCV, failing the test loudly if the
// codec is missing rather than testing nothing.
inline void writeImage(const std::filesystem::path& file, const cv::Mat& image,
                       const std::vector<int>& params = {}) {
    if (!cv::imwrite(file.string(), image, params)) {
        throw std::runtime_error("cv::imwrite could not write " + file.string());
    }
}

// A solid image in OpenCV's channel order: blue, green, red (and alpha).
inline cv::Mat solidBgr(int width, int height, cv::Scalar bgr) {
    return cv::Mat(height, width, CV_8UC3, bgr);
}

} // namespace kestrel::testing
