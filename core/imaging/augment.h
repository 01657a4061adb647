#pragma once

#include "imaging/augment_options.h"
#include "imaging/box_geometry.h"
#include "imaging/random.h"

#include <vector>

#include <opencv2/core/mat.hpp>

namespace kestrel::imaging {

// Returns an augmented copy of `image` (uint8, 1 or 3 channels, HWC) of the same size and
// type. `image` itself is never written, so it may be shared (a cached decode).
cv::Mat augmentImage(const cv::Mat& image, const AugmentOptions& options, Random& random);

// The same augmentation of `image` (drawing the same random numbers, so the image is what
// augmentImage gives for that seed) with every geometric step (crop, shift, flips, turns,
// rotation) also applied to `mask` (CV_8UC1 of the image's size, class values: nearest
// neighbour, uncovered pixels 0). Both are replaced by new matrices; the inputs' pixels are
// never written.
void augmentImageAndMask(cv::Mat& image, cv::Mat& mask, const AugmentOptions& options,
                         Random& random);

// The same augmentation of `image` with every geometric step applied to `boxes` (in the
// image's pixel corner coordinates) as box_geometry.h moves them: exact for crops, shifts,
// flips and quarter turns, the box around the turned box for a rotation; boxes cut down to
// under a quarter of their area are dropped.
void augmentImageAndBoxes(cv::Mat& image, std::vector<ClassBox>& boxes,
                          const AugmentOptions& options, Random& random);

} // namespace kestrel::imaging
