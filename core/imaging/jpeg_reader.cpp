#include "imaging/jpeg_reader.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <vector>

#include <libexif/exif-data.h>
#include <opencv2/core.hpp>
#include <turbojpeg.h>

namespace kestrel::imaging {

namespace {

// imread refuses images above 2^30 pixels (OpenCV's CV_IO_MAX_IMAGE_PIXELS default).
constexpr std::int64_t kMaxPixels = std::int64_t{1} << 30;

// One decompressor per thread: creating one allocates libjpeg's state, and loader workers
// decode thousands of files each.
class Decompressor {
public:
    Decompressor() : handle_(tjInitDecompress()) {}
    ~Decompressor() {
        if (handle_ != nullptr) {
            tjDestroy(handle_);
        }
    }
    Decompressor(const Decompressor&) = delete;
    Decompressor& operator=(const Decompressor&) = delete;
    tjhandle get() const { return handle_; }

private:
    tjhandle handle_;
};

// The file's bytes when it begins as every JPEG does (FF D8 FF); empty otherwise, having read
// only those three bytes.
std::vector<unsigned char> jpegBytes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    const std::streamoff size = in ? static_cast<std::streamoff>(in.tellg()) : -1;
    unsigned char marker[3] = {};
    in.seekg(0);
    if (size < 3 || !in.read(reinterpret_cast<char*>(marker), 3) || marker[0] != 0xFF ||
        marker[1] != 0xD8 || marker[2] != 0xFF) {
        return {};
    }
    std::vector<unsigned char> bytes(static_cast<std::size_t>(size));
    std::copy(std::begin(marker), std::end(marker), bytes.begin());
    // One read for the rest: reading through stream iterators cost a tenth of the decode.
    if (!in.read(reinterpret_cast<char*>(bytes.data() + 3), size - 3)) {
        return {};
    }
    return bytes;
}

// The orientation in the file's EXIF data (1, upright, when there is none), as imread reads it.
int exifOrientation(const std::vector<unsigned char>& bytes) {
    ExifData* exif = exif_data_new_from_data(bytes.data(), static_cast<unsigned int>(bytes.size()));
    if (exif == nullptr) {
        return 1;
    }
    int orientation = 1;
    const ExifEntry* entry = exif_content_get_entry(exif->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
    if (entry != nullptr && entry->format == EXIF_FORMAT_SHORT && entry->components >= 1) {
        orientation = exif_get_short(entry->data, exif_data_get_byte_order(exif));
    }
    exif_data_unref(exif);
    return orientation;
}

} // namespace

cv::Size reducedJpegSize(cv::Size file, cv::Size smallest) {
    // The scales libjpeg-turbo decodes with SIMD; 3/8, 5/8 and the like decode slower than 1.
    static constexpr tjscalingfactor kScales[] = {{1, 8}, {1, 4}, {1, 2}};
    if (smallest.width > 0 && smallest.height > 0) {
        for (const tjscalingfactor& scale : kScales) {
            const cv::Size reduced(TJSCALED(file.width, scale), TJSCALED(file.height, scale));
            if (reduced.width >= smallest.width && reduced.height >= smallest.height) {
                return reduced;
            }
        }
    }
    return file;
}

JpegImage readJpegLikeOpenCv(const std::filesystem::path& file,
                             const std::function<cv::Size(cv::Size)>& smallestNeeded) {
    const std::vector<unsigned char> bytes = jpegBytes(file);
    if (bytes.empty()) {
        return {};
    }
    thread_local Decompressor decompressor;
    if (decompressor.get() == nullptr) {
        return {};
    }
    int width = 0;
    int height = 0;
    int subsampling = 0;
    int colourSpace = 0;
    const auto size = static_cast<unsigned long>(bytes.size());
    if (tjDecompressHeader3(decompressor.get(), bytes.data(), size, &width, &height, &subsampling,
                            &colourSpace) != 0 ||
        width <= 0 || height <= 0 || std::int64_t{width} * height > kMaxPixels) {
        return {};
    }
    if (colourSpace == TJCS_CMYK || colourSpace == TJCS_YCCK) {
        return {};
    }
    if (exifOrientation(bytes) != 1) {
        return {};
    }
    const cv::Size full(width, height);
    const cv::Size decoded = smallestNeeded ? reducedJpegSize(full, smallestNeeded(full)) : full;
    const bool gray = colourSpace == TJCS_GRAY;
    cv::Mat image;
    try {
        image.create(decoded, gray ? CV_8UC1 : CV_8UC3);
    } catch (const cv::Exception&) {
        return {}; // out of memory: imread says so in its own words
    }
    // Any non-zero return, warnings included: imread would decode a damaged file its own way.
    // Given a smaller width and height, TurboJPEG decodes at the scale that makes them.
    if (tjDecompress2(decompressor.get(), bytes.data(), size, image.data, decoded.width,
                      static_cast<int>(image.step[0]), decoded.height, gray ? TJPF_GRAY : TJPF_BGR,
                      0) != 0) {
        return {};
    }
    return {image, full};
}

} // namespace kestrel::imaging
