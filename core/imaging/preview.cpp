#include "imaging/preview.h"

#include "common/atomic_file.h"
#include "dataset/content_hash.h"
#include "imaging/decode.h"

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace kestrel::imaging {

namespace {

PreviewImage toPreview(const cv::Mat& image) {
    PreviewImage preview;
    preview.width = image.cols;
    preview.height = image.rows;
    preview.channels = image.channels();
    const cv::Mat packed = image.isContinuous() ? image : image.clone();
    preview.pixels.assign(packed.datastart, packed.dataend);
    return preview;
}

// Gray stays gray (one byte a pixel for the many gray inspection cameras); all else is RGB.
int previewChannels(const cv::Mat& decoded) {
    return decoded.channels() == 1 ? 1 : 3;
}

std::filesystem::path cacheFileFor(const std::filesystem::path& file,
                                   const std::string& contentHash,
                                   const std::filesystem::path& cacheFolder, int maxSide) {
    // Keyed by content, so a moved folder keeps its thumbnails and identical files share one.
    const std::string key =
        contentHash.empty() ? "p" + dataset::contentHash(file.string()) : contentHash;
    return cacheFolder / "thumbnails" / key.substr(0, 2) /
           (key + "-" + std::to_string(maxSide) + ".png");
}

} // namespace

PreviewImage decodePreview(const std::filesystem::path& file) {
    const cv::Mat decoded = readImageFile(file);
    const ImageSpec spec{decoded.cols, decoded.rows, previewChannels(decoded),
                         ImageSpec::Resize::Stretch};
    return toPreview(conformImage(decoded, spec, file.string()));
}

PreviewImage loadThumbnail(const std::filesystem::path& file, const std::string& contentHash,
                           const std::filesystem::path& cacheFolder, int maxSide) {
    const std::filesystem::path cached = cacheFileFor(file, contentHash, cacheFolder, maxSide);
    std::error_code error;
    if (std::filesystem::is_regular_file(cached, error)) {
        // The PNG holds gray or RGB bytes exactly as returned; RGB is stored as "BGR" so no
        // channel swap is needed either way. A damaged file decodes empty and is made again.
        const cv::Mat stored = cv::imread(cached.string(), cv::IMREAD_UNCHANGED);
        if (!stored.empty() && stored.depth() == CV_8U &&
            (stored.channels() == 1 || stored.channels() == 3)) {
            return toPreview(stored);
        }
    }
    const cv::Mat decoded = readImageFile(file);
    const double scale =
        std::min(1.0, static_cast<double>(maxSide) / std::max(decoded.cols, decoded.rows));
    const ImageSpec spec{std::max(1, static_cast<int>(std::lround(decoded.cols * scale))),
                         std::max(1, static_cast<int>(std::lround(decoded.rows * scale))),
                         previewChannels(decoded), ImageSpec::Resize::Stretch};
    const cv::Mat thumbnail = conformImage(decoded, spec, file.string());

    std::vector<std::uint8_t> bytes;
    if (cv::imencode(".png", thumbnail, bytes, {cv::IMWRITE_PNG_COMPRESSION, 1})) {
        try {
            std::filesystem::create_directories(cached.parent_path());
            // Rebuildable data: no fsync, only the rename that keeps a torn file from view.
            writeFileAtomically(
                cached, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                Durability::RenameOnly);
        } catch (const std::exception&) {
            // A read-only or full cache costs speed, not the thumbnail.
        }
    }
    return toPreview(thumbnail);
}

} // namespace kestrel::imaging
