#pragma once

#include "imaging/class_region.h"
#include "imaging/image_spec.h"

#include <vector>

#include <opencv2/core/mat.hpp>

namespace kestrel::imaging {

// The class target of an image of `width` x `height` pixels: CV_8UC1, 0 where no region is,
// later regions painted over earlier ones; hidden shapes too (hidden is the viewer's).
// Boxes and masks kept as files are not painted (the caller reads mask files into RLE
// first). Throws kestrel::Error (InvalidArgument) naming the region when its value is
// outside 1..255, or both sizes when a mask's size differs from the image's.
cv::Mat renderClassMask(const std::vector<ClassRegion>& regions, int width, int height);

// `mask` (CV_8UC1, the file's size) brought to `spec`'s width and height exactly as
// conformImage brings the image (stretched, or letterboxed with background around), nearest
// neighbour sampled at pixel centres so values stay classes and land on the image's pixels.
cv::Mat conformMask(const cv::Mat& mask, const ImageSpec& spec);

} // namespace kestrel::imaging
