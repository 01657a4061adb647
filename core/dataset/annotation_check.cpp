#include "dataset/annotation_check.h"

#include <algorithm>
#include <cstdio>

namespace kestrel::dataset {

using annotations::Box;
using annotations::LabelledShape;
using annotations::Point;
using annotations::ShapeKind;

namespace {

// Coordinates this close outside the border are rounding, not a mistake.
constexpr double kTolerance = 1e-3;

std::string pixels(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", value);
    return text;
}

std::string boxText(const Box& box) {
    return "(" + pixels(box.x) + ", " + pixels(box.y) + ", " + pixels(box.width) + " x " +
           pixels(box.height) + ")";
}

std::string sizeText(int width, int height) {
    return std::to_string(width) + " x " + std::to_string(height);
}

bool outside(double value, double limit) {
    return value < -kTolerance || value > limit + kTolerance;
}

} // namespace

std::vector<LabelledShape> fitShapesToImage(const ImportItem& item, int width, int height,
                                            std::vector<std::string>& problems) {
    std::vector<LabelledShape> fitted;
    const std::string image = item.file.filename().string();
    if (item.declaredWidth > 0 && item.declaredHeight > 0 &&
        (item.declaredWidth != width || item.declaredHeight != height)) {
        problems.push_back(item.annotationFile + " says image '" + image + "' is " +
                           sizeText(item.declaredWidth, item.declaredHeight) + " but it is " +
                           sizeText(width, height) + "; its shapes were kept in pixels.");
    }
    const auto W = static_cast<double>(width);
    const auto H = static_cast<double>(height);
    for (const SourceShape& source : item.shapes) {
        LabelledShape shape = source.labelled;
        annotations::Shape& s = shape.shape;
        if (item.shapesNormalised) {
            s.box = {s.box.x * W, s.box.y * H, s.box.width * W, s.box.height * H};
            for (Point& p : s.points) {
                p = {p.x * W, p.y * H};
            }
        }
        const std::string where = source.where + " on image '" + image + "'";
        switch (s.kind) {
        case ShapeKind::Box: {
            const Box before = s.box;
            if (s.box.width <= 0 || s.box.height <= 0) {
                problems.push_back("The box at " + where + " is empty " + boxText(before) +
                                   "; it was left out.");
                continue;
            }
            const double left = std::clamp(s.box.x, 0.0, W);
            const double top = std::clamp(s.box.y, 0.0, H);
            const double right = std::clamp(s.box.right(), 0.0, W);
            const double bottom = std::clamp(s.box.bottom(), 0.0, H);
            if (right - left <= 0 || bottom - top <= 0) {
                problems.push_back("The box at " + where + " " + boxText(before) +
                                   " lies outside the " + sizeText(width, height) +
                                   " image; it was left out.");
                continue;
            }
            if (outside(before.x, W) || outside(before.y, H) || outside(before.right(), W) ||
                outside(before.bottom(), H)) {
                s.box = {left, top, right - left, bottom - top};
                problems.push_back("The box at " + where + " " + boxText(before) +
                                   " crosses the border of the " + sizeText(width, height) +
                                   " image; it was clipped to " + boxText(s.box) + ".");
            } else {
                s.box = {left, top, right - left, bottom - top};
            }
            break;
        }
        case ShapeKind::Polygon: {
            const Box bounds = annotations::boundsOf(s);
            if (bounds.x >= W || bounds.y >= H || bounds.right() <= 0 || bounds.bottom() <= 0) {
                problems.push_back("The polygon at " + where + " lies outside the " +
                                   sizeText(width, height) + " image; it was left out.");
                continue;
            }
            bool clipped = false;
            for (Point& p : s.points) {
                clipped = clipped || outside(p.x, W) || outside(p.y, H);
                p = {std::clamp(p.x, 0.0, W), std::clamp(p.y, 0.0, H)};
            }
            if (clipped) {
                problems.push_back("The polygon at " + where + " crosses the border of the " +
                                   sizeText(width, height) +
                                   " image; its outside vertices were moved onto the border.");
            }
            break;
        }
        case ShapeKind::Mask:
            if (s.maskFile.empty() && (s.mask.width != width || s.mask.height != height)) {
                problems.push_back("The mask at " + where + " is " +
                                   sizeText(s.mask.width, s.mask.height) + " but the image is " +
                                   sizeText(width, height) + "; it was left out.");
                continue;
            }
            break;
        }
        fitted.push_back(std::move(shape));
    }
    return fitted;
}

} // namespace kestrel::dataset
