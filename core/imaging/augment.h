#pragma once

#include "imaging/augment_options.h"
#include "imaging/random.h"

#include <opencv2/core/mat.hpp>

namespace kestrel::imaging {

// Returns an augmented copy of `image` (uint8, 1 or 3 channels, HWC) of the same size and
// type. `image` itself is never written, so it may be shared (a cached decode).
cv::Mat augmentImage(const cv::Mat& image, const AugmentOptions& options, Random& random);

} // namespace kestrel::imaging
