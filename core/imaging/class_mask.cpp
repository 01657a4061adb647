#include "imaging/class_mask.h"

#include "annotations/rle.h"
#include "common/error.h"
#include "imaging/decode.h"

#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::imaging {

namespace {

std::string sizeText(int width, int height) {
    return std::to_string(width) + " x " + std::to_string(height);
}

// Sets `value` where `pixels` (decodeMask's row-major 0/255 buffer of width x height) is set.
void paint(cv::Mat& target, std::vector<std::uint8_t>& pixels, int value) {
    if (pixels.empty()) {
        return;
    }
    const cv::Mat set(target.rows, target.cols, CV_8UC1, pixels.data());
    target.setTo(cv::Scalar(value), set);
}

} // namespace

cv::Mat renderClassMask(const std::vector<ClassRegion>& regions, int width, int height) {
    if (width < 0 || height < 0) {
        throw Error(ErrorKind::InvalidArgument,
                    "A class target cannot be drawn at the negative size " +
                        sizeText(width, height) + ".");
    }
    cv::Mat target = cv::Mat::zeros(height, width, CV_8UC1);
    for (std::size_t i = 0; i < regions.size(); ++i) {
        const ClassRegion& region = regions[i];
        const annotations::Shape& shape = region.shape;
        const std::string name =
            "Region " + std::to_string(i + 1) + " of " + std::to_string(regions.size());
        if (region.value < 1 || region.value > 255) {
            throw Error(ErrorKind::InvalidArgument, name + " has the class value " +
                                                        std::to_string(region.value) +
                                                        ", outside 1 to 255.");
        }
        // `hidden` only keeps a shape out of the viewer; it is still part of the target.
        if (shape.kind == annotations::ShapeKind::Polygon) {
            std::vector<std::uint8_t> pixels =
                annotations::decodeMask(annotations::rasterisePolygon(shape.points, width, height));
            paint(target, pixels, region.value);
        } else if (shape.kind == annotations::ShapeKind::Mask && shape.maskFile.empty()) {
            if (shape.mask.width != width || shape.mask.height != height) {
                throw Error(ErrorKind::InvalidArgument,
                            name + " is a mask of " +
                                sizeText(shape.mask.width, shape.mask.height) +
                                " pixels on an image of " + sizeText(width, height) + ".");
            }
            // decodeMask turns COCO's column-major runs into row-major pixels, cv::Mat's order.
            std::vector<std::uint8_t> pixels = annotations::decodeMask(shape.mask);
            paint(target, pixels, region.value);
        }
        // Boxes are not per-pixel targets, and a mask still kept as a file has no pixels here.
    }
    return target;
}

cv::Mat conformMask(const cv::Mat& mask, const ImageSpec& spec) {
    validate(spec);
    if (mask.empty() || mask.type() != CV_8UC1) {
        throw Error(ErrorKind::InvalidArgument,
                    "A class mask must be a non-empty single-channel 8-bit image; this one is " +
                        sizeText(mask.cols, mask.rows) + " pixels with " +
                        std::to_string(mask.channels()) + " channel(s).");
    }
    cv::Mat out = cv::Mat::zeros(spec.height, spec.width, CV_8UC1);
    cv::Mat view = out(conformedArea(mask.size(), spec));
    if (view.size() == mask.size()) {
        mask.copyTo(view);
    } else {
        // INTER_NEAREST_EXACT samples at pixel centres, as the image's INTER_AREA and INTER_LINEAR
        // do; plain INTER_NEAREST samples corners, up to half a target pixel off.
        cv::resize(mask, view, view.size(), 0, 0, cv::INTER_NEAREST_EXACT);
    }
    return out;
}

} // namespace kestrel::imaging
