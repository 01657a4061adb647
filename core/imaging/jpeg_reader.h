#pragma once

#include <filesystem>
#include <functional>

#include <opencv2/core/mat.hpp>

namespace kestrel::imaging {

// A JPEG file's pixels, possibly decoded at a reduced scale, and the size of the whole file.
struct JpegImage {
    cv::Mat image; // empty when the file was left to OpenCV
    cv::Size fileSize;
};

// Reads a JPEG file with libjpeg-turbo's TurboJPEG interface: the same library and settings
// (accurate integer IDCT, smooth chroma upsampling) OpenCV's imread uses, so the same pixels,
// in OpenCV's layout (BGR or gray, 8 bits), without imread's per-row copies. Decoding is most
// of the batch loader's time on high-entropy images.
//
// With `smallestNeeded`, which maps the file's size to the smallest the caller can use, the
// file is decoded at 1/8, 1/4 or 1/2 scale when that still covers it (libjpeg's scaled
// decoding: each 8x8 block's lowest frequencies, a filtered shrink at a fraction of the work).
//
// Returns an empty image, and leaves the file to OpenCV, whenever this path could differ
// from imread: a file that is not a JPEG, CMYK or YCCK colour, an EXIF orientation other than
// 1 (imread turns the image), more pixels than imread accepts or memory holds, or anything
// libjpeg warns about (a truncated or damaged file), so imread's result and errors stay the
// only ones. Never throws for a file it cannot read.
JpegImage readJpegLikeOpenCv(const std::filesystem::path& file,
                             const std::function<cv::Size(cv::Size)>& smallestNeeded = {});

// The size a `file`-sized JPEG decodes at when `smallest` is needed: the smallest of its 1/8,
// 1/4 and 1/2 scales (rounded up, as libjpeg does) that is at least `smallest` in both
// dimensions, or `file` itself.
cv::Size reducedJpegSize(cv::Size file, cv::Size smallest);

} // namespace kestrel::imaging
