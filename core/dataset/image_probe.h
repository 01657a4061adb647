#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace kestrel::dataset {

// True for the extensions Kestrel imports, in any case: PNG, JPEG, BMP, TIFF, WebP.
bool hasImageExtension(const std::filesystem::path& file);

// What decoding a file's bytes found: its size after EXIF orientation, or why it failed.
struct ImageProbe {
    bool readable = false;
    int width = 0;
    int height = 0;
    int channels = 0;
    std::string reason; // when not readable: a short phrase for people
};

// Decodes the whole image (a truncated file is only found that way) from bytes in memory.
ImageProbe probeImage(std::string_view bytes);

} // namespace kestrel::dataset
