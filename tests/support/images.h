#pragma once

#include "files.h"

#include <filesystem>
#include <string>

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

// Writes `image` to `file` (format from the extension), creating parent folders.
inline void writeImage(const std::filesystem::path& file, const cv::Mat& image) {
    std::filesystem::create_directories(file.parent_path());
    const std::string extension = file.extension().string();
    std::vector<unsigned char> bytes;
    if (!cv::imencode(extension, image, bytes)) {
        throw std::runtime_error("cannot encode " + file.string());
    }
    writeBytes(file, std::string(bytes.begin(), bytes.end()));
}

inline void writeImage(const std::filesystem::path& file, int width, int height, unsigned seed,
                       int type = CV_8UC3) {
    writeImage(file, patternImage(width, height, type, seed));
}

} // namespace kestrel::testing
