// scanLabelme: a folder of labelme JSON files, one per image, with rectangle and polygon
// shapes.
#include "common/error.h"
#include "dataset/annotation_sources.h"
#include "dataset/source_files.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace kestrel::dataset {

namespace fs = std::filesystem;
using annotations::Box;
using annotations::LabelledShape;
using annotations::Point;
using annotations::Shape;
using annotations::ShapeKind;
using nlohmann::json;

namespace {

// The points of a labelme shape, or nothing when they are not a list of [x, y] pairs.
std::optional<std::vector<Point>> pointsOf(const json& shape) {
    if (!shape.contains("points") || !shape["points"].is_array()) {
        return std::nullopt;
    }
    std::vector<Point> points;
    for (const json& point : shape["points"]) {
        if (!point.is_array() || point.size() != 2 || !point[0].is_number() ||
            !point[1].is_number()) {
            return std::nullopt;
        }
        points.push_back(Point{point[0].get<double>(), point[1].get<double>()});
    }
    return points;
}

// One labelme shape as a project shape, or the reason it cannot be one.
std::optional<Shape> shapeOf(const json& entry, std::string& problem) {
    const std::string type = entry.contains("shape_type") && entry["shape_type"].is_string()
                                 ? entry["shape_type"].get<std::string>()
                                 : "polygon"; // labelme's default when the key is absent
    if (type != "rectangle" && type != "polygon") {
        problem = "is a " + type + ", which Kestrel cannot hold (only rectangles and polygons)";
        return std::nullopt;
    }
    const auto points = pointsOf(entry);
    if (!points) {
        problem = "has points that are not a list of [x, y] pairs";
        return std::nullopt;
    }
    Shape shape;
    shape.source = "import";
    if (type == "rectangle") {
        if (points->size() != 2) {
            problem = "is a rectangle with " + std::to_string(points->size()) +
                      " points instead of 2 corners";
            return std::nullopt;
        }
        // labelme keeps the corners in the order they were dragged.
        const Point& a = (*points)[0];
        const Point& b = (*points)[1];
        shape.kind = ShapeKind::Box;
        shape.box =
            Box{std::min(a.x, b.x), std::min(a.y, b.y), std::abs(a.x - b.x), std::abs(a.y - b.y)};
        if (shape.box.width <= 0 || shape.box.height <= 0) {
            problem = "is a rectangle with no area";
            return std::nullopt;
        }
        return shape;
    }
    if (points->size() < 3) {
        problem = "is a polygon with " + std::to_string(points->size()) +
                  " points, but a polygon needs 3 or more";
        return std::nullopt;
    }
    shape.kind = ShapeKind::Polygon;
    shape.points = *points;
    return shape;
}

} // namespace

AnnotatedScan scanLabelme(const fs::path& folder) {
    const fs::path root = fs::absolute(folder).lexically_normal();
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        throw Error(ErrorKind::NotFound,
                    "The labelme folder " + root.string() + " does not exist.");
    }
    AnnotatedScan scan;
    std::set<std::string> known; // classNames holds the labels in the order first seen
    for (const fs::path& file :
         filesBelow(root, [](const fs::path& file) { return file.extension() == ".json"; })) {
        const json document = readJsonFile(file);
        if (!document.is_object() || !document.contains("shapes") ||
            !document["shapes"].is_array()) {
            continue; // some other JSON file sharing the folder
        }
        const fs::path relative = file.lexically_relative(root);
        const std::string shown = relative.generic_string();
        if (!document.contains("imagePath") || !document["imagePath"].is_string() ||
            document["imagePath"].get<std::string>().empty()) {
            scan.problems.push_back(shown + " has no imagePath; its shapes are left out.");
            continue;
        }
        const std::string imagePath = document["imagePath"].get<std::string>();
        // labelme on Windows writes backslashes.
        std::string portable = imagePath;
        std::replace(portable.begin(), portable.end(), '\\', '/');
        const fs::path image = (file.parent_path() / portable).lexically_normal();
        if (!fs::is_regular_file(image, ec)) {
            scan.problems.push_back(shown + " names the image '" + imagePath +
                                    "', which is not found beside it; its shapes are left out.");
            continue;
        }
        ImportItem item;
        item.file = image;
        item.annotationFile = shown;
        if (std::distance(relative.begin(), relative.end()) >= 2) {
            item.split = splitForFolderName(relative.begin()->string());
        }
        if (document.contains("imageWidth") && document["imageWidth"].is_number_integer() &&
            document.contains("imageHeight") && document["imageHeight"].is_number_integer()) {
            item.declaredWidth = document["imageWidth"].get<int>();
            item.declaredHeight = document["imageHeight"].get<int>();
        }
        const json& shapes = document["shapes"];
        for (std::size_t i = 0; i < shapes.size(); ++i) {
            const std::string where = shown + " shapes[" + std::to_string(i) + "]";
            const json& entry = shapes[i];
            if (!entry.is_object()) {
                scan.problems.push_back(where + " is not an object; it is left out.");
                continue;
            }
            std::string problem;
            std::optional<Shape> shape = shapeOf(entry, problem);
            if (!shape) {
                scan.problems.push_back(where + " " + problem + "; it is left out.");
                continue;
            }
            const std::string label = entry.contains("label") && entry["label"].is_string()
                                          ? entry["label"].get<std::string>()
                                          : std::string();
            if (!label.empty() && known.insert(label).second) {
                scan.classNames.push_back(label);
            }
            item.shapes.push_back(SourceShape{LabelledShape{std::move(*shape), label}, where});
        }
        scan.items.push_back(std::move(item));
    }
    return scan;
}

} // namespace kestrel::dataset
