#pragma once

#include <filesystem>

#include <opencv2/core/mat.hpp>

namespace kestrel::imaging {

// Reads a JPEG file with libjpeg-turbo's TurboJPEG interface: the same library and settings
// (accurate integer IDCT, smooth chroma upsampling) OpenCV's imread uses, so the same pixels,
// in OpenCV's layout (BGR or gray, 8 bits), without imread's per-row copies. Decoding is most
// of the batch loader's time on high-entropy images.
//
// Returns an empty matrix, and leaves the file to OpenCV, whenever this path could differ
// from imread: a file that is not a JPEG, CMYK or YCCK colour, an EXIF orientation other than
// 1 (imread turns the image), more pixels than imread accepts, or anything libjpeg warns
// about (a truncated or damaged file), so imread's result and errors stay the only ones.
cv::Mat readJpegLikeOpenCv(const std::filesystem::path& file);

} // namespace kestrel::imaging
