#include "imaging/image_spec.h"

#include "common/error.h"

#include <initializer_list>

namespace kestrel::imaging {

void validate(const ImageSpec& spec) {
    if (spec.width <= 0 || spec.height <= 0) {
        throw Error(ErrorKind::InvalidArgument, "Image size " + std::to_string(spec.width) + "x" +
                                                    std::to_string(spec.height) +
                                                    " is not positive.");
    }
    if (spec.channels != 1 && spec.channels != 3) {
        throw Error(ErrorKind::InvalidArgument, "Image channel count " +
                                                    std::to_string(spec.channels) +
                                                    " is not supported; use 1 or 3.");
    }
}

std::string resizeName(ImageSpec::Resize resize) {
    switch (resize) {
    case ImageSpec::Resize::Stretch:
        return "stretch";
    case ImageSpec::Resize::Letterbox:
        return "letterbox";
    case ImageSpec::Resize::Pad:
        return "pad";
    }
    return "stretch";
}

std::optional<ImageSpec::Resize> resizeFromName(const std::string& name) {
    for (const auto resize :
         {ImageSpec::Resize::Stretch, ImageSpec::Resize::Letterbox, ImageSpec::Resize::Pad}) {
        if (resizeName(resize) == name) {
            return resize;
        }
    }
    return std::nullopt;
}

} // namespace kestrel::imaging
