#pragma once

#include "imaging/random.h"

#include <opencv2/core/types.hpp>

namespace kestrel::imaging {

// Where a segmentation training crop of `side` x `side` pixels lies in an image whose class
// target is `mask` (CV_8UC1; 0 is background). With probability `defectShare` and when the
// mask has a defect pixel, the window holds a defect pixel drawn uniformly from all of them,
// placed at random within the middle two thirds of the window (so defects are not always
// centred); otherwise the window is uniform over the image. Thin defects cover well under 1%
// of a part's pixels: without this most crops would teach background only. The window always
// lies inside the mask; `side` must be positive and at most its width and height (clamped
// otherwise).
cv::Rect chooseTrainingCrop(const cv::Mat& mask, int side, double defectShare, Random& random);

} // namespace kestrel::imaging
