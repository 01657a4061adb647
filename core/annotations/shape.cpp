#include "annotations/shape.h"

#include "annotations/rle.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace kestrel::annotations {

namespace {

constexpr std::array<std::pair<ShapeKind, std::string_view>, 3> kKindNames = {{
    {ShapeKind::Box, "box"},
    {ShapeKind::Polygon, "polygon"},
    {ShapeKind::Mask, "mask"},
}};

// The mask moved by whole pixels; what leaves the image is lost.
RleMask shifted(const RleMask& mask, int dx, int dy) {
    const std::vector<std::uint8_t> pixels = decodeMask(mask);
    std::vector<std::uint8_t> moved(pixels.size(), 0);
    for (int y = 0; y < mask.height; ++y) {
        const int to = y + dy;
        if (to < 0 || to >= mask.height) {
            continue;
        }
        for (int x = 0; x < mask.width; ++x) {
            const int toX = x + dx;
            if (toX >= 0 && toX < mask.width) {
                moved[static_cast<std::size_t>(to) * mask.width + toX] =
                    pixels[static_cast<std::size_t>(y) * mask.width + x];
            }
        }
    }
    return encodeMask(moved.data(), mask.width, mask.height, static_cast<std::size_t>(mask.width));
}

} // namespace

std::string_view kindName(ShapeKind kind) {
    for (const auto& [candidate, name] : kKindNames) {
        if (candidate == kind) {
            return name;
        }
    }
    return "box";
}

std::optional<ShapeKind> parseKind(std::string_view name) {
    for (const auto& [kind, text] : kKindNames) {
        if (text == name) {
            return kind;
        }
    }
    return std::nullopt;
}

Box boundsOf(const Shape& shape) {
    switch (shape.kind) {
    case ShapeKind::Box:
        return shape.box;
    case ShapeKind::Polygon: {
        if (shape.points.empty()) {
            return {};
        }
        double left = shape.points.front().x;
        double right = left;
        double top = shape.points.front().y;
        double bottom = top;
        for (const Point& p : shape.points) {
            left = std::min(left, p.x);
            right = std::max(right, p.x);
            top = std::min(top, p.y);
            bottom = std::max(bottom, p.y);
        }
        return {left, top, right - left, bottom - top};
    }
    case ShapeKind::Mask:
        return shape.maskFile.empty() ? maskBounds(shape.mask) : Box{};
    }
    return {};
}

void translate(Shape& shape, double dx, double dy) {
    switch (shape.kind) {
    case ShapeKind::Box:
        shape.box.x += dx;
        shape.box.y += dy;
        break;
    case ShapeKind::Polygon:
        for (Point& p : shape.points) {
            p.x += dx;
            p.y += dy;
        }
        break;
    case ShapeKind::Mask: {
        const int wholeX = static_cast<int>(std::lround(dx));
        const int wholeY = static_cast<int>(std::lround(dy));
        if (shape.maskFile.empty() && (wholeX != 0 || wholeY != 0)) {
            shape.mask = shifted(shape.mask, wholeX, wholeY);
        }
        break;
    }
    }
}

} // namespace kestrel::annotations
