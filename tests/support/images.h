#pragma once

#include "files.h"

#include <cstdint>
#include <filesystem>
#include <iterator>
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

// `image` as a JPEG whose EXIF block gives `orientation` (6: "rotate 90 degrees clockwise to
// display"); OpenCV's imread turns it as the tag says.
inline std::string jpegWithOrientation(const cv::Mat& image, std::uint8_t orientation,
                                       const std::vector<int>& params = {}) {
    std::vector<std::uint8_t> jpeg;
    cv::imencode(".jpg", image, jpeg, params);
    // APP1: "Exif\0\0", a big-endian TIFF header, one IFD entry (0x0112 SHORT), no next IFD.
    const std::uint8_t app1[] = {0xFF, 0xE1, 0x00,        0x22, 'E',  'x',  'i',  'f',  0x00,
                                 0x00, 'M',  'M',         0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
                                 0x00, 0x01, 0x01,        0x12, 0x00, 0x03, 0x00, 0x00, 0x00,
                                 0x01, 0x00, orientation, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    std::string bytes(jpeg.begin(), jpeg.begin() + 2); // SOI
    bytes.append(std::begin(app1), std::end(app1));
    bytes.append(jpeg.begin() + 2, jpeg.end());
    return bytes;
}

} // namespace kestrel::testing
