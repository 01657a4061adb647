#include "imaging/box_geometry.h"

#include "imaging/decode.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::imaging {

namespace {

// The box from corner (x0, y0) to (x1, y1).
annotations::Box between(double x0, double y0, double x1, double y1) {
    return {x0, y0, x1 - x0, y1 - y0};
}

// Cuts every box to the frame; drops those left too small (see kMinBoxShare).
void clipToFrame(std::vector<ClassBox>& boxes, cv::Size size) {
    std::vector<ClassBox> kept;
    kept.reserve(boxes.size());
    for (ClassBox& target : boxes) {
        const annotations::Box& box = target.box;
        const double area = box.width * box.height;
        const double x0 = std::clamp(box.x, 0.0, static_cast<double>(size.width));
        const double y0 = std::clamp(box.y, 0.0, static_cast<double>(size.height));
        const double x1 = std::clamp(box.right(), 0.0, static_cast<double>(size.width));
        const double y1 = std::clamp(box.bottom(), 0.0, static_cast<double>(size.height));
        const double width = x1 - x0;
        const double height = y1 - y0;
        if (width < 1.0 || height < 1.0 || width * height < kMinBoxShare * area) {
            continue;
        }
        target.box = {x0, y0, width, height};
        kept.push_back(target);
    }
    boxes = std::move(kept);
}

// Applies `map` (a point in corner coordinates to its new place) to each box's four corners
// and keeps the upright box around them.
template <typename Map>
void mapCorners(std::vector<ClassBox>& boxes, Map map) {
    for (ClassBox& target : boxes) {
        const annotations::Box& box = target.box;
        const std::array<cv::Point2d, 4> corners = {
            map(cv::Point2d(box.x, box.y)), map(cv::Point2d(box.right(), box.y)),
            map(cv::Point2d(box.x, box.bottom())), map(cv::Point2d(box.right(), box.bottom()))};
        double x0 = corners[0].x;
        double y0 = corners[0].y;
        double x1 = x0;
        double y1 = y0;
        for (const cv::Point2d& corner : corners) {
            x0 = std::min(x0, corner.x);
            y0 = std::min(y0, corner.y);
            x1 = std::max(x1, corner.x);
            y1 = std::max(y1, corner.y);
        }
        target.box = between(x0, y0, x1, y1);
    }
}

} // namespace

std::vector<ClassBox> conformBoxes(const std::vector<ClassBox>& boxes, cv::Size file,
                                   const ImageSpec& spec) {
    const cv::Rect area = conformedArea(file, spec);
    const double sx = static_cast<double>(area.width) / file.width;
    const double sy = static_cast<double>(area.height) / file.height;
    std::vector<ClassBox> placed = boxes;
    mapCorners(placed,
               [&](cv::Point2d p) { return cv::Point2d(area.x + p.x * sx, area.y + p.y * sy); });
    clipToFrame(placed, {spec.width, spec.height});
    return placed;
}

void cropAndResizeBoxes(std::vector<ClassBox>& boxes, const cv::Rect& crop, cv::Size size) {
    // cv::resize aligns pixel centres, which for corners is this linear map.
    const double sx = static_cast<double>(size.width) / crop.width;
    const double sy = static_cast<double>(size.height) / crop.height;
    mapCorners(boxes, [&](cv::Point2d p) {
        return cv::Point2d((p.x - crop.x) * sx, (p.y - crop.y) * sy);
    });
    clipToFrame(boxes, size);
}

void shiftBoxes(std::vector<ClassBox>& boxes, cv::Point offset, cv::Size size) {
    mapCorners(boxes, [&](cv::Point2d p) { return cv::Point2d(p.x + offset.x, p.y + offset.y); });
    clipToFrame(boxes, size);
}

void flipBoxes(std::vector<ClassBox>& boxes, int axis, cv::Size size) {
    const double width = size.width;
    const double height = size.height;
    mapCorners(boxes, [&](cv::Point2d p) {
        return axis == 0 ? cv::Point2d(p.x, height - p.y) : cv::Point2d(width - p.x, p.y);
    });
    clipToFrame(boxes, size);
}

void turnBoxes(std::vector<ClassBox>& boxes, int turn, cv::Size size) {
    const double width = size.width;
    const double height = size.height;
    // cv::rotate's pixel (x, y) lands on (H-1-y, x) clockwise, (W-1-x, H-1-y) half way round,
    // (y, W-1-x) anticlockwise: in corners, as below. A non-square frame is turned H x W and
    // resized back to W x H.
    const bool quarter = turn != cv::ROTATE_180;
    const double sx = quarter ? width / height : 1.0;
    const double sy = quarter ? height / width : 1.0;
    mapCorners(boxes, [&](cv::Point2d p) {
        cv::Point2d turned;
        switch (turn) {
        case cv::ROTATE_90_CLOCKWISE:
            turned = {height - p.y, p.x};
            break;
        case cv::ROTATE_180:
            turned = {width - p.x, height - p.y};
            break;
        default: // cv::ROTATE_90_COUNTERCLOCKWISE
            turned = {p.y, width - p.x};
            break;
        }
        return cv::Point2d(turned.x * sx, turned.y * sy);
    });
    clipToFrame(boxes, size);
}

void rotateBoxes(std::vector<ClassBox>& boxes, double degrees, cv::Size size) {
    // The same matrix as augmentation's warpAffine, which works in pixel-centre coordinates:
    // a corner coordinate is half a pixel past the centre one.
    const cv::Point2f centre(static_cast<float>(size.width - 1) / 2.0f,
                             static_cast<float>(size.height - 1) / 2.0f);
    const cv::Mat m = cv::getRotationMatrix2D(centre, degrees, 1.0);
    const double a = m.at<double>(0, 0), b = m.at<double>(0, 1), c = m.at<double>(0, 2);
    const double d = m.at<double>(1, 0), e = m.at<double>(1, 1), f = m.at<double>(1, 2);
    mapCorners(boxes, [&](cv::Point2d p) {
        const double x = p.x - 0.5;
        const double y = p.y - 0.5;
        return cv::Point2d(a * x + b * y + c + 0.5, d * x + e * y + f + 0.5);
    });
    clipToFrame(boxes, size);
}

} // namespace kestrel::imaging
