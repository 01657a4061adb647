#pragma once

#include "files.h"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace kestrel::testing {

// A w x h image of `type` (CV_8UC1, CV_8UC3, CV_8UC4, CV_16UC1 ...) whose pixels depend on
// `seed`, so two images with different seeds have different bytes.
inline cv::Mat patternImage(int width, int height, int type, unsigned seed) {
    cv::Mat image(height, width, type);
    cv::RNG random(seed + 1); // a seed of 0 would mean "default" to OpenCV
    random.fill(image, cv::RNG::UNIFORM, cv::Scalar::all(0),
                cv::Scalar::all(CV_MAT_DEPTH(type) == CV_16U ? 65536 : 256));
    return image;
}

// Writes `image` (OpenCV's BGR/BGRA/gray layout) to `file`, format from the extension,
// creating parent folders; throws if the codec is missing rather than testing nothing.
inline void writeImage(const std::filesystem::path& file, const cv::Mat& image,
                       const std::vector<int>& params = {}) {
    std::filesystem::create_directories(file.parent_path());
    const std::string extension = file.extension().string();
    std::vector<unsigned char> bytes;
    if (!cv::imencode(extension, image, bytes, params)) {
        throw std::runtime_error("cannot encode " + file.string());
    }
    writeBytes(file, std::string(bytes.begin(), bytes.end()));
}

// A solid image in OpenCV's channel order: blue, green, red (and alpha).
inline cv::Mat solidBgr(int width, int height, cv::Scalar bgr) {
    return cv::Mat(height, width, CV_8UC3, bgr);
}

inline void writeImage(const std::filesystem::path& file, int width, int height, unsigned seed,
                       int type = CV_8UC3) {
    writeImage(file, patternImage(width, height, type, seed));
}

} // namespace kestrel::testing
