#include "imaging/augment.h"

#include "common/error.h"
#include "imaging/box_geometry.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::imaging {

AugmentOptions AugmentOptions::standard() {
    AugmentOptions options;
    options.resizedCrop.probability = 1.0;
    options.resizedCrop.minScale = 0.5;
    options.horizontalFlip = 0.5;
    options.colorJitter.probability = 1.0;
    return options;
}

namespace {

void check(bool ok, const std::string& what, double value) {
    if (!ok) {
        throw Error(ErrorKind::InvalidArgument, "Augmentation setting " + what + " = " +
                                                    std::to_string(value) + " is out of range.");
    }
}

void checkProbability(const std::string& what, double value) {
    check(value >= 0.0 && value <= 1.0, what, value);
}

// A mask follows its image through every geometric step with nearest neighbour, so its
// values stay classes. INTER_NEAREST_EXACT samples at pixel centres as the image's
// INTER_LINEAR does (plain INTER_NEAREST samples corners, half a pixel off); warpAffine has
// no exact mode, but maps centres already.
constexpr int kMaskResize = cv::INTER_NEAREST_EXACT;
constexpr int kMaskWarp = cv::INTER_NEAREST;

cv::Rect drawResizedCrop(cv::Size size, const AugmentOptions::ResizedCrop& crop, Random& random) {
    const int width = size.width;
    const int height = size.height;
    const double area = static_cast<double>(width) * height;
    const double logLow = std::log(crop.minRatio);
    const double logHigh = std::log(crop.maxRatio);
    cv::Rect box;
    // torchvision's algorithm: ten tries at a random area and ratio, then a centre crop.
    for (int attempt = 0; attempt < 10 && box.empty(); ++attempt) {
        const double target = area * uniform(random, crop.minScale, crop.maxScale);
        const double ratio = std::exp(uniform(random, logLow, logHigh));
        const int w = static_cast<int>(std::lround(std::sqrt(target * ratio)));
        const int h = static_cast<int>(std::lround(std::sqrt(target / ratio)));
        if (w > 0 && h > 0 && w <= width && h <= height) {
            const int x =
                static_cast<int>(below(random, static_cast<std::uint64_t>(width - w + 1)));
            const int y =
                static_cast<int>(below(random, static_cast<std::uint64_t>(height - h + 1)));
            box = cv::Rect(x, y, w, h);
        }
    }
    if (box.empty()) {
        const double ratio = static_cast<double>(width) / height;
        int w = width;
        int h = height;
        if (ratio < crop.minRatio) {
            h = std::max(1, static_cast<int>(std::lround(w / crop.minRatio)));
        } else if (ratio > crop.maxRatio) {
            w = std::max(1, static_cast<int>(std::lround(h * crop.maxRatio)));
        }
        box = cv::Rect((width - w) / 2, (height - h) / 2, w, h);
    }
    return box;
}

cv::Mat cropAndResize(const cv::Mat& image, const cv::Rect& box, int interpolation) {
    cv::Mat out;
    cv::resize(image(box), out, image.size(), 0, 0, interpolation);
    return out;
}

cv::Point drawShift(cv::Size size, const AugmentOptions::Shift& shift, Random& random) {
    const int maxX = static_cast<int>(std::lround(shift.maxFraction * size.width));
    const int maxY = static_cast<int>(std::lround(shift.maxFraction * size.height));
    const auto dx =
        static_cast<int>(below(random, static_cast<std::uint64_t>(2 * maxX + 1))) - maxX;
    const auto dy =
        static_cast<int>(below(random, static_cast<std::uint64_t>(2 * maxY + 1))) - maxY;
    return {dx, dy};
}

cv::Mat shiftBy(const cv::Mat& image, const cv::Point& offset) {
    const int dx = offset.x;
    const int dy = offset.y;
    cv::Mat out = cv::Mat::zeros(image.size(), image.type());
    const cv::Rect source(std::max(0, -dx), std::max(0, -dy), image.cols - std::abs(dx),
                          image.rows - std::abs(dy));
    if (source.width > 0 && source.height > 0) {
        image(source).copyTo(
            out(cv::Rect(std::max(0, dx), std::max(0, dy), source.width, source.height)));
    }
    return out;
}

cv::Mat flipped(const cv::Mat& image, int axis) {
    cv::Mat out;
    cv::flip(image, out, axis);
    return out;
}

cv::RotateFlags drawQuarterTurn(Random& random) {
    static constexpr cv::RotateFlags turns[] = {cv::ROTATE_90_CLOCKWISE, cv::ROTATE_180,
                                                cv::ROTATE_90_COUNTERCLOCKWISE};
    return turns[below(random, 3)];
}

cv::Mat quarterTurn(const cv::Mat& image, cv::RotateFlags turn, int interpolation) {
    cv::Mat out;
    cv::rotate(image, out, turn);
    if (out.size() != image.size()) {
        cv::resize(out, out, image.size(), 0, 0, interpolation);
    }
    return out;
}

cv::Mat rotateBy(const cv::Mat& image, double degrees, int interpolation) {
    const cv::Point2f centre(static_cast<float>(image.cols - 1) / 2.0f,
                             static_cast<float>(image.rows - 1) / 2.0f);
    cv::Mat out;
    cv::warpAffine(image, out, cv::getRotationMatrix2D(centre, degrees, 1.0), image.size(),
                   interpolation, cv::BORDER_CONSTANT, cv::Scalar::all(0));
    return out;
}

cv::Mat jitter(const cv::Mat& image, const AugmentOptions::ColorJitter& options, Random& random) {
    const double brightness =
        uniform(random, std::max(0.0, 1.0 - options.brightness), 1.0 + options.brightness);
    const double contrast =
        uniform(random, std::max(0.0, 1.0 - options.contrast), 1.0 + options.contrast);
    cv::Mat out;
    image.convertTo(out, -1, brightness, 0.0); // saturates at 0 and 255
    // Contrast blends towards the mean gray level, as torchvision does.
    cv::Mat gray = out;
    if (out.channels() == 3) {
        cv::cvtColor(out, gray, cv::COLOR_RGB2GRAY);
    }
    const double mean = cv::mean(gray)[0];
    out.convertTo(out, -1, contrast, (1.0 - contrast) * mean);
    return out;
}

cv::Mat blur(const cv::Mat& image, const AugmentOptions::Blur& options, Random& random) {
    const double sigma = uniform(random, options.minSigma, options.maxSigma);
    const int radius = std::max(1, static_cast<int>(std::ceil(3.0 * sigma)));
    cv::Mat out;
    cv::GaussianBlur(image, out, cv::Size(2 * radius + 1, 2 * radius + 1), sigma, sigma,
                     cv::BORDER_REFLECT_101);
    return out;
}

cv::Mat addNoise(const cv::Mat& image, double sigma, Random& random) {
    cv::Mat noise(image.size(), CV_32FC(image.channels()));
    cv::RNG generator(random()); // OpenCV's generator, seeded from ours: still reproducible
    generator.fill(noise, cv::RNG::NORMAL, 0.0, sigma);
    cv::Mat sum;
    image.convertTo(sum, CV_32F);
    sum += noise;
    cv::Mat out;
    sum.convertTo(out, CV_8U); // rounds and saturates
    return out;
}

} // namespace

void validate(const AugmentOptions& options) {
    checkProbability("resizedCrop.probability", options.resizedCrop.probability);
    check(options.resizedCrop.minScale > 0.0 && options.resizedCrop.minScale <= 1.0,
          "resizedCrop.minScale", options.resizedCrop.minScale);
    check(options.resizedCrop.maxScale >= options.resizedCrop.minScale &&
              options.resizedCrop.maxScale <= 1.0,
          "resizedCrop.maxScale", options.resizedCrop.maxScale);
    check(options.resizedCrop.minRatio > 0.0, "resizedCrop.minRatio", options.resizedCrop.minRatio);
    check(options.resizedCrop.maxRatio >= options.resizedCrop.minRatio, "resizedCrop.maxRatio",
          options.resizedCrop.maxRatio);
    checkProbability("shift.probability", options.shift.probability);
    check(options.shift.maxFraction >= 0.0 && options.shift.maxFraction < 1.0, "shift.maxFraction",
          options.shift.maxFraction);
    checkProbability("horizontalFlip", options.horizontalFlip);
    checkProbability("verticalFlip", options.verticalFlip);
    checkProbability("rotate90", options.rotate90);
    checkProbability("rotation.probability", options.rotation.probability);
    check(options.rotation.maxDegrees >= 0.0 && options.rotation.maxDegrees <= 180.0,
          "rotation.maxDegrees", options.rotation.maxDegrees);
    checkProbability("colorJitter.probability", options.colorJitter.probability);
    check(options.colorJitter.brightness >= 0.0, "colorJitter.brightness",
          options.colorJitter.brightness);
    check(options.colorJitter.contrast >= 0.0, "colorJitter.contrast",
          options.colorJitter.contrast);
    checkProbability("blur.probability", options.blur.probability);
    check(options.blur.minSigma > 0.0, "blur.minSigma", options.blur.minSigma);
    check(options.blur.maxSigma >= options.blur.minSigma && options.blur.maxSigma <= 50.0,
          "blur.maxSigma", options.blur.maxSigma);
    checkProbability("noise.probability", options.noise.probability);
    check(options.noise.sigma >= 0.0, "noise.sigma", options.noise.sigma);
}

namespace {

// augmentImage, augmentImageAndMask and augmentImageAndBoxes in one: each geometric step
// draws its numbers once and moves the image and, when given, the mask or the boxes alike;
// the photometric steps touch only the image. Without either this draws and computes exactly
// what augmentImage always has.
cv::Mat augment(const cv::Mat& image, cv::Mat* mask, std::vector<ClassBox>* boxes,
                const AugmentOptions& options, Random& random) {
    cv::Mat out = image;
    cv::Mat target = mask != nullptr ? *mask : cv::Mat();
    const bool moveMask = mask != nullptr;
    if (chance(random, options.resizedCrop.probability)) {
        const cv::Rect box = drawResizedCrop(out.size(), options.resizedCrop, random);
        if (boxes != nullptr) {
            cropAndResizeBoxes(*boxes, box, out.size());
        }
        out = cropAndResize(out, box, cv::INTER_LINEAR);
        if (moveMask) {
            target = cropAndResize(target, box, kMaskResize);
        }
    }
    if (chance(random, options.shift.probability)) {
        const cv::Point offset = drawShift(out.size(), options.shift, random);
        out = shiftBy(out, offset);
        if (moveMask) {
            target = shiftBy(target, offset);
        }
        if (boxes != nullptr) {
            shiftBoxes(*boxes, offset, out.size());
        }
    }
    for (const int axis : {1, 0}) { // left-right, then top-bottom
        if (chance(random, axis == 1 ? options.horizontalFlip : options.verticalFlip)) {
            out = flipped(out, axis);
            if (moveMask) {
                target = flipped(target, axis);
            }
            if (boxes != nullptr) {
                flipBoxes(*boxes, axis, out.size());
            }
        }
    }
    if (chance(random, options.rotate90)) {
        const cv::RotateFlags turn = drawQuarterTurn(random);
        out = quarterTurn(out, turn, cv::INTER_LINEAR);
        if (moveMask) {
            target = quarterTurn(target, turn, kMaskResize);
        }
        if (boxes != nullptr) {
            turnBoxes(*boxes, turn, out.size());
        }
    }
    if (chance(random, options.rotation.probability)) {
        const double degrees =
            uniform(random, -options.rotation.maxDegrees, options.rotation.maxDegrees);
        out = rotateBy(out, degrees, cv::INTER_LINEAR);
        if (moveMask) {
            target = rotateBy(target, degrees, kMaskWarp);
        }
        if (boxes != nullptr) {
            rotateBoxes(*boxes, degrees, out.size());
        }
    }
    if (chance(random, options.colorJitter.probability)) {
        out = jitter(out, options.colorJitter, random);
    }
    if (chance(random, options.blur.probability)) {
        out = blur(out, options.blur, random);
    }
    if (chance(random, options.noise.probability)) {
        out = addNoise(out, options.noise.sigma, random);
    }
    // Every step above wrote a new matrix; when none ran, hand back a copy so a caller that
    // writes into the result never touches a shared (cached) image.
    if (moveMask) {
        *mask = target.data == mask->data ? mask->clone() : target;
    }
    return out.data == image.data ? image.clone() : out;
}

} // namespace

cv::Mat augmentImage(const cv::Mat& image, const AugmentOptions& options, Random& random) {
    return augment(image, nullptr, nullptr, options, random);
}

void augmentImageAndBoxes(cv::Mat& image, std::vector<ClassBox>& boxes,
                          const AugmentOptions& options, Random& random) {
    image = augment(image, nullptr, &boxes, options, random);
}

void augmentImageAndMask(cv::Mat& image, cv::Mat& mask, const AugmentOptions& options,
                         Random& random) {
    if (mask.type() != CV_8UC1 || mask.size() != image.size()) {
        throw Error(ErrorKind::InvalidArgument,
                    "A class mask of " + std::to_string(mask.cols) + " x " +
                        std::to_string(mask.rows) + " pixels and " +
                        std::to_string(mask.channels()) + " channel(s) cannot follow an image of " +
                        std::to_string(image.cols) + " x " + std::to_string(image.rows) +
                        "; it must be single-channel 8-bit and the same size.");
    }
    image = augment(image, &mask, nullptr, options, random);
}

} // namespace kestrel::imaging
