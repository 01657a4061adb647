#include "imaging/decode.h"

#include "common/error.h"
#include "imaging/jpeg_reader.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <system_error>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::imaging {

namespace {

// 16-bit and float images become 8-bit: 16-bit by full range (65535 -> 255), float by
// assuming [0, 1] as OpenCV's float TIFFs usually are.
cv::Mat toEightBit(const cv::Mat& image, const std::string& source) {
    switch (image.depth()) {
    case CV_8U:
        return image;
    case CV_16U: {
        cv::Mat out;
        image.convertTo(out, CV_8U, 1.0 / 257.0);
        return out;
    }
    case CV_32F:
    case CV_64F: {
        cv::Mat out;
        image.convertTo(out, CV_8U, 255.0);
        return out;
    }
    default:
        throw Error(ErrorKind::InvalidArgument,
                    "Image " + source +
                        " has a pixel depth Kestrel does not read (signed or "
                        "32-bit integer samples).");
    }
}

cv::Mat toChannels(const cv::Mat& image, int channels, const std::string& source) {
    cv::Mat out;
    switch (image.channels()) {
    case 1:
        if (channels == 1) {
            return image;
        }
        cv::cvtColor(image, out, cv::COLOR_GRAY2RGB);
        return out;
    case 3:
        cv::cvtColor(image, out, channels == 1 ? cv::COLOR_BGR2GRAY : cv::COLOR_BGR2RGB);
        return out;
    case 4: // alpha is dropped, not composited: transparent pixels keep their stored colour
        cv::cvtColor(image, out, channels == 1 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGRA2RGB);
        return out;
    default:
        throw Error(ErrorKind::InvalidArgument,
                    "Image " + source + " has " + std::to_string(image.channels()) +
                        " channels; Kestrel reads gray, colour and colour-with-alpha images.");
    }
}

void resizeInto(const cv::Mat& image, cv::Mat& out, cv::Size size) {
    if (image.size() == size) {
        image.copyTo(out);
        return;
    }
    // Area averaging avoids aliasing when shrinking; linear is smoother when enlarging.
    const bool shrinking = size.width < image.cols || size.height < image.rows;
    cv::resize(image, out, size, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
}

// `image` resized into `area` of spec's frame: the whole frame when stretched, zeros around it
// when letterboxed.
cv::Mat resizeToSpec(const cv::Mat& image, const ImageSpec& spec, const cv::Rect& area) {
    const cv::Size target(spec.width, spec.height);
    cv::Mat out;
    if (spec.resize == ImageSpec::Resize::Stretch) {
        resizeInto(image, out, target);
        return out;
    }
    out = cv::Mat::zeros(target, image.type());
    cv::Mat view = out(area);
    resizeInto(image, view, view.size());
    return out;
}

// conformImage with the frame's area given: the area of the whole file's size, when `decoded`
// is a reduced decode of it.
cv::Mat conformInto(const cv::Mat& decoded, const ImageSpec& spec, const cv::Rect& area,
                    const std::string& source) {
    if (decoded.empty()) {
        throw Error(ErrorKind::InvalidArgument, "Image " + source + " is empty.");
    }
    cv::Mat image = toEightBit(decoded, source);
    if (spec.channels == 3 && image.channels() == 3) {
        // BGR to RGB only reorders channels, which commutes with the resize: done after it,
        // it touches the smaller image (the loader's decode is most of its time).
        image = toChannels(resizeToSpec(image, spec, area), 3, source);
    } else {
        image = resizeToSpec(toChannels(image, spec.channels, source), spec, area);
    }
    return image.isContinuous() ? image : image.clone();
}

// imread's half of readImageFile, for files the TurboJPEG path leaves to OpenCV.
cv::Mat readWithOpenCv(const std::filesystem::path& file) {
    const std::string name = file.string();
    cv::Mat decoded;
    try {
        if (!cv::haveImageReader(name)) {
            throw Error(ErrorKind::InvalidArgument,
                        "Image file " + name + " is not in an image format Kestrel can read.");
        }
        // No IMREAD_IGNORE_ORIENTATION: OpenCV turns the image as its EXIF tag says.
        decoded = cv::imread(name, cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR);
    } catch (const cv::Exception& exception) {
        throw Error(ErrorKind::InvalidArgument,
                    "Image file " + name + " could not be decoded: " + exception.err + ".");
    }
    if (decoded.empty()) {
        throw Error(ErrorKind::InvalidArgument,
                    "Image file " + name + " could not be decoded; it is damaged or truncated.");
    }
    return decoded;
}

// The checks every read starts with: the file exists and is not empty.
void checkReadable(const std::filesystem::path& file) {
    const std::string name = file.string();
    std::error_code error;
    if (!std::filesystem::is_regular_file(file, error)) {
        throw Error(ErrorKind::NotFound, "Image file " + name + " does not exist.");
    }
    if (std::filesystem::file_size(file, error) == 0 && !error) {
        throw Error(ErrorKind::InvalidArgument, "Image file " + name + " is empty.");
    }
}

} // namespace

cv::Rect conformedArea(cv::Size source, const ImageSpec& spec) {
    if (spec.resize == ImageSpec::Resize::Stretch) {
        return {0, 0, spec.width, spec.height};
    }
    double scale = std::min(static_cast<double>(spec.width) / source.width,
                            static_cast<double>(spec.height) / source.height);
    if (spec.resize == ImageSpec::Resize::Pad) {
        scale = std::min(scale, 1.0);
    }
    const int w = std::clamp(static_cast<int>(std::lround(source.width * scale)), 1, spec.width);
    const int h = std::clamp(static_cast<int>(std::lround(source.height * scale)), 1, spec.height);
    return {(spec.width - w) / 2, (spec.height - h) / 2, w, h};
}

cv::Mat conformImage(const cv::Mat& decoded, const ImageSpec& spec, const std::string& source) {
    validate(spec);
    return conformInto(decoded, spec, conformedArea(decoded.size(), spec), source);
}

cv::Mat readImageFile(const std::filesystem::path& file) {
    checkReadable(file);
    cv::Mat decoded = readJpegLikeOpenCv(file).image;
    return decoded.empty() ? readWithOpenCv(file) : decoded;
}

ConformedFile decodeForSpec(const std::filesystem::path& file, const ImageSpec& spec) {
    validate(spec);
    checkReadable(file);
    const std::string name = file.string();
    // Twice the size needed, so the usual area resize still averages at least 2x2 pixels into
    // each: libjpeg's reduced IDCT alone keeps more of the finest detail (noise) than an
    // average of the full decode would.
    const JpegImage jpeg = readJpegLikeOpenCv(
        file, [&spec](cv::Size whole) { return conformedArea(whole, spec).size() * 2; });
    if (!jpeg.image.empty()) {
        return {conformInto(jpeg.image, spec, conformedArea(jpeg.fileSize, spec), name),
                jpeg.fileSize};
    }
    const cv::Mat decoded = readWithOpenCv(file);
    return {conformImage(decoded, spec, name), decoded.size()};
}

cv::Mat decodeImage(const std::filesystem::path& file, const ImageSpec& spec) {
    return decodeForSpec(file, spec).image;
}

void writePlanarFloats(const cv::Mat& image, float* out) {
    // Each byte's float, computed once as the multiplication it stands for: a lookup per
    // sample is about twice as fast as converting and scaling it.
    static const auto kValues = [] {
        std::array<float, 256> values{};
        constexpr float scale = 1.0f / 255.0f;
        for (int value = 0; value < 256; ++value) {
            values[static_cast<std::size_t>(value)] = static_cast<float>(value) * scale;
        }
        return values;
    }();
    const auto channels = static_cast<std::size_t>(image.channels());
    const std::size_t plane = static_cast<std::size_t>(image.rows) * image.cols;
    const std::uint8_t* in = image.ptr<std::uint8_t>(0);
    if (channels == 3) { // the common case, with the channel count known to the compiler
        float* red = out;
        float* green = out + plane;
        float* blue = out + 2 * plane;
        for (std::size_t pixel = 0; pixel < plane; ++pixel) {
            red[pixel] = kValues[in[3 * pixel]];
            green[pixel] = kValues[in[3 * pixel + 1]];
            blue[pixel] = kValues[in[3 * pixel + 2]];
        }
        return;
    }
    for (std::size_t pixel = 0; pixel < plane; ++pixel) {
        for (std::size_t c = 0; c < channels; ++c) {
            out[c * plane + pixel] = kValues[in[pixel * channels + c]];
        }
    }
}

} // namespace kestrel::imaging
