#pragma once

#include "imaging/image_spec.h"

#include <filesystem>
#include <string>

#include <opencv2/core/mat.hpp>

namespace kestrel::imaging {

// Reads `file` with OpenCV (any depth, any colour layout, EXIF orientation applied) and
// brings it to `spec`: RGB or gray, 8 bits, resized. The result is a continuous uint8 HWC
// matrix of spec.height x spec.width x spec.channels, channels in R, G, B order.
// A file that is missing or cannot be decoded throws kestrel::Error naming the file and why.
cv::Mat decodeImage(const std::filesystem::path& file, const ImageSpec& spec);

// A file as a model is fed it, and the size of the whole file's pixels (EXIF orientation
// applied), which masks, maps and areas are drawn at.
struct ConformedFile {
    cv::Mat image; // as decodeImage returns it
    cv::Size fileSize;
};

// decodeImage, also giving the file's size. A JPEG at least four times as large as `spec`'s
// frame (or letterbox area) is decoded at 1/2, 1/4 or 1/8 scale, never under twice the size
// needed, and resized the rest of the way as any image is: every model input read from a file, in
// training and inference alike, comes through here, so all see the same pixels.
ConformedFile decodeForSpec(const std::filesystem::path& file, const ImageSpec& spec);

// The whole file at full size, as OpenCV's imread decodes it (BGR/BGRA/gray, any depth,
// EXIF orientation applied), with the same errors.
cv::Mat readImageFile(const std::filesystem::path& file);

// decodeImage's conversion and resize, for images already in memory (OpenCV's BGR/BGRA/gray
// layout, 8/16-bit or float in [0, 1]). `source` names the image in error messages.
cv::Mat conformImage(const cv::Mat& decoded, const ImageSpec& spec, const std::string& source);

// Where an image of `source` size lands in `spec`'s frame when conformed: the whole frame
// when stretched, the centred rectangle that keeps its aspect ratio when letterboxed or
// padded (a padded image keeps its size when it fits).
// conformImage and conformMask share it, so a class mask lands on its image's pixels.
cv::Rect conformedArea(cv::Size source, const ImageSpec& spec);

// What every model is fed: the uint8 HWC pixels of a decoded image as float CHW in [0, 1],
// written to `out` (channels x rows x cols floats). The loader and exported-model inference
// share it, so both see the same numbers.
void writePlanarFloats(const cv::Mat& image, float* out);

} // namespace kestrel::imaging
