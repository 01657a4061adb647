#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kestrel::imaging {

// An image for people to look at: 8-bit gray (1 channel) or RGB (3), rows packed.
// 16-bit and float images are scaled to 8 bits, alpha is dropped, EXIF orientation applied.
struct PreviewImage {
    int width = 0;
    int height = 0;
    int channels = 0;
    std::vector<std::uint8_t> pixels;
};

// The whole image at its own size. Throws kestrel::Error naming the file when it cannot be
// read or decoded.
PreviewImage decodePreview(const std::filesystem::path& file);

// A thumbnail whose longer side is at most `maxSide`, kept as a small PNG in `cacheFolder`
// under a name made from `contentHash` (or the path, when there is no hash) and the size, so
// the next request reads the small file instead of the original. The cache file is written
// atomically; a damaged cache file is made again.
PreviewImage loadThumbnail(const std::filesystem::path& file, const std::string& contentHash,
                           const std::filesystem::path& cacheFolder, int maxSide);

} // namespace kestrel::imaging
