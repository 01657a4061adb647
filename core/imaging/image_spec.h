#pragma once

#include <optional>
#include <string>

namespace kestrel::imaging {

// The shape every image is brought to before it reaches a model: `width` x `height` pixels,
// 1 (gray) or 3 (RGB) channels, 8 bits per channel.
struct ImageSpec {
    enum class Resize {
        Stretch,   // scale each axis independently to fill the frame
        Letterbox, // keep the aspect ratio, centre the image, pad the rest with zeros
        // Keep the image's own pixels: centred and padded with zeros, shrunk (keeping the
        // aspect ratio) only when larger than the frame. Thin defects stay as wide as drawn.
        Pad,
    };

    int width = 224;
    int height = 224;
    int channels = 3;
    Resize resize = Resize::Stretch;
};

// Throws kestrel::Error (InvalidArgument) naming the bad value.
void validate(const ImageSpec& spec);

// "stretch", "letterbox" or "pad": the names exported models' metadata uses.
std::string resizeName(ImageSpec::Resize resize);
std::optional<ImageSpec::Resize> resizeFromName(const std::string& name);

} // namespace kestrel::imaging
