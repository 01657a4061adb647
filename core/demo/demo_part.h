#pragma once

#include <cstdint>

#include <opencv2/core/mat.hpp>

namespace kestrel::demo {

enum class Defect { None, Scratch, Dent, Spots };

// One 128x128 grayscale part (CV_8UC1) for the demo dataset. The seed fixes the surface;
// the defect is drawn on top, so the same seed with another defect gives the same surface
// with another flaw.
cv::Mat renderPart(Defect defect, std::uint64_t seed);

} // namespace kestrel::demo
