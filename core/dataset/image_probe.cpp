#include "dataset/image_probe.h"

#include "common/text.h"

#include <algorithm>
#include <array>

#include <opencv2/imgcodecs.hpp>

namespace kestrel::dataset {

namespace {

bool startsWith(std::string_view bytes, std::string_view magic) {
    return bytes.size() >= magic.size() && bytes.substr(0, magic.size()) == magic;
}

// Recognises the formats we import by their first bytes, so a failed decode can say
// whether the file is damaged or not an image at all.
bool looksLikeAnImage(std::string_view bytes) {
    using namespace std::string_view_literals;
    return startsWith(bytes, "\x89PNG\r\n\x1a\n"sv) || startsWith(bytes, "\xff\xd8\xff"sv) ||
           startsWith(bytes, "BM"sv) || startsWith(bytes, "II*\0"sv) ||
           startsWith(bytes, "MM\0*"sv) ||
           (startsWith(bytes, "RIFF"sv) && bytes.size() >= 12 && bytes.substr(8, 4) == "WEBP"sv);
}

// PNG and JPEG files end with a fixed trailer. Checking it first finds the commonest damage,
// a cut-off copy, without handing the file to libpng or libjpeg, which print warnings of
// their own to stderr.
bool isCutOff(std::string_view bytes) {
    using namespace std::string_view_literals;
    if (startsWith(bytes, "\x89PNG\r\n\x1a\n"sv)) {
        constexpr auto iend = "IEND\xae\x42\x60\x82"sv;
        return bytes.size() < iend.size() || bytes.substr(bytes.size() - iend.size()) != iend;
    }
    if (startsWith(bytes, "\xff\xd8\xff"sv)) {
        // Some writers pad after the end-of-image marker; look for it near the end.
        const std::size_t tail = std::min<std::size_t>(bytes.size(), 64);
        return bytes.substr(bytes.size() - tail).find("\xff\xd9"sv) == std::string_view::npos;
    }
    return false;
}

} // namespace

bool hasImageExtension(const std::filesystem::path& file) {
    static constexpr std::array<std::string_view, 7> extensions = {".png", ".jpg",  ".jpeg", ".bmp",
                                                                   ".tif", ".tiff", ".webp"};
    const std::string extension = lowerCase(file.extension().string());
    return std::find(extensions.begin(), extensions.end(), extension) != extensions.end();
}

ImageProbe probeImage(std::string_view bytes) {
    ImageProbe probe;
    if (bytes.empty()) {
        probe.reason = "the file is empty";
        return probe;
    }
    if (!looksLikeAnImage(bytes)) {
        probe.reason = "not an image (unrecognised content)";
        return probe;
    }
    if (isCutOff(bytes)) {
        probe.reason = "the image data is truncated or corrupt";
        return probe;
    }
    const cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8UC1,
                          const_cast<char*>(bytes.data()));
    cv::Mat image;
    try {
        // ANYCOLOR|ANYDEPTH keeps gray and 16-bit images as they are and (unlike
        // IMREAD_UNCHANGED) still applies the EXIF orientation.
        image = cv::imdecode(encoded, cv::IMREAD_ANYCOLOR | cv::IMREAD_ANYDEPTH);
    } catch (const cv::Exception&) {
        image.release();
    }
    if (image.empty()) {
        probe.reason = "the image data is truncated or corrupt";
        return probe;
    }
    probe.readable = true;
    probe.width = image.cols;
    probe.height = image.rows;
    probe.channels = image.channels();
    return probe;
}

} // namespace kestrel::dataset
