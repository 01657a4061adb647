#include "annotations/shape_json.h"

#include "annotations/rle.h"
#include "common/error.h"

#include <nlohmann/json.hpp>

namespace kestrel::annotations {

using nlohmann::json;

namespace {

[[noreturn]] void malformed(const std::string& what, const std::string& why) {
    throw Error(ErrorKind::Corrupt, "The geometry of " + what + " " + why + ".");
}

double number(const json& object, const char* key, const std::string& what) {
    const auto found = object.find(key);
    if (found == object.end() || !found->is_number()) {
        malformed(what, std::string("has no number \"") + key + "\"");
    }
    return found->get<double>();
}

} // namespace

std::string geometryJson(const Shape& shape) {
    json geometry = json::object();
    switch (shape.kind) {
    case ShapeKind::Box:
        geometry = {{"x", shape.box.x},
                    {"y", shape.box.y},
                    {"width", shape.box.width},
                    {"height", shape.box.height}};
        break;
    case ShapeKind::Polygon: {
        json points = json::array();
        for (const Point& p : shape.points) {
            points.push_back(p.x);
            points.push_back(p.y);
        }
        geometry["points"] = std::move(points);
        break;
    }
    case ShapeKind::Mask:
        geometry = {{"size", {shape.mask.height, shape.mask.width}},
                    {"counts", countsToString(shape.mask.counts)}};
        break;
    }
    if (shape.crowd) {
        geometry["crowd"] = true;
    }
    if (shape.difficult) {
        geometry["difficult"] = true;
    }
    if (shape.truncated) {
        geometry["truncated"] = true;
    }
    return geometry.dump();
}

void readGeometryJson(Shape& shape, std::string_view text, const std::string& what) {
    const json geometry = json::parse(text, nullptr, false);
    if (!geometry.is_object()) {
        malformed(what, "is not a JSON object");
    }
    switch (shape.kind) {
    case ShapeKind::Box:
        shape.box = {number(geometry, "x", what), number(geometry, "y", what),
                     number(geometry, "width", what), number(geometry, "height", what)};
        break;
    case ShapeKind::Polygon: {
        const auto points = geometry.find("points");
        if (points == geometry.end() || !points->is_array() || points->size() % 2 != 0) {
            malformed(what, "has no even list of \"points\"");
        }
        shape.points.clear();
        for (std::size_t i = 0; i + 1 < points->size(); i += 2) {
            if (!(*points)[i].is_number() || !(*points)[i + 1].is_number()) {
                malformed(what, "has a point that is not a number");
            }
            shape.points.push_back({(*points)[i].get<double>(), (*points)[i + 1].get<double>()});
        }
        break;
    }
    case ShapeKind::Mask: {
        const auto size = geometry.find("size");
        const auto counts = geometry.find("counts");
        if (size == geometry.end() || !size->is_array() || size->size() != 2 ||
            !(*size)[0].is_number_integer() || !(*size)[1].is_number_integer() ||
            counts == geometry.end() || !counts->is_string()) {
            malformed(what, "has no RLE \"size\" and \"counts\"");
        }
        shape.mask = rleFromString(counts->get<std::string>(), (*size)[1].get<int>(),
                                   (*size)[0].get<int>(), what);
        break;
    }
    }
    shape.crowd = geometry.value("crowd", false);
    shape.difficult = geometry.value("difficult", false);
    shape.truncated = geometry.value("truncated", false);
}

} // namespace kestrel::annotations
