// scanCoco: COCO instance JSON (one file, or a folder of them, one per split).
#include "annotations/rle.h"
#include "common/error.h"
#include "dataset/annotation_sources.h"
#include "dataset/image_probe.h"
#include "dataset/source_files.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <limits>
#include <map>
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

bool isCoco(const json& root) {
    return root.is_object() && root.contains("images") && root.contains("annotations");
}

// The split a file name says: one of its _ - . : separated words, trailing digits dropped
// ("instances_train2017" is train).
std::optional<std::string> splitForFileName(const std::string& stem) {
    std::string word;
    for (std::size_t i = 0; i <= stem.size(); ++i) {
        if (i < stem.size() && std::string("_-.:").find(stem[i]) == std::string::npos) {
            word += stem[i];
            continue;
        }
        while (!word.empty() && std::isdigit(static_cast<unsigned char>(word.back()))) {
            word.pop_back();
        }
        if (auto split = splitForFolderName(word)) {
            return split;
        }
        word.clear();
    }
    return std::nullopt;
}

// An id as text, for keys and messages: 42, or "abc" for a string id.
std::string idText(const json& id) {
    return id.is_string() ? id.get<std::string>() : id.dump();
}

std::optional<double> numberAt(const json& object, const char* key) {
    if (!object.is_object() || !object.contains(key) || !object[key].is_number()) {
        return std::nullopt;
    }
    return object[key].get<double>();
}

const json& arrayAt(const json& root, const char* key, const std::string& shown) {
    const json& value = root[key];
    if (!value.is_array()) {
        throw Error(ErrorKind::InvalidArgument,
                    "The \"" + std::string(key) + "\" of " + shown + " is not a list.");
    }
    return value;
}

// One image entry of a COCO file, once it has been found on disk.
struct CocoImage {
    std::size_t item = 0; // index into AnnotatedScan::items
    std::string fileName;
    int width = 0; // 0 when the entry does not say
    int height = 0;
};

// What one annotation's segmentation and bbox give: shapes, or the problem that stops them.
struct Geometry {
    std::vector<Shape> shapes;
    std::vector<std::string> problems; // each leaves out what it names
    std::vector<std::string> notes;    // taken, but not as it was
};

// One annotation is one shape: a polygon in several parts (an object split by an occluder)
// becomes one mask of their union, which holds every part exactly.
void mergeParts(Geometry& geometry, const CocoImage& image) {
    if (geometry.shapes.size() < 2) {
        return;
    }
    if (image.width <= 0 || image.height <= 0) {
        geometry.notes.push_back("its polygon has " + std::to_string(geometry.shapes.size()) +
                                 " parts and the image entry gives no size to draw them into "
                                 "one mask, so each part is a polygon of its own");
        return;
    }
    const std::size_t pixels = static_cast<std::size_t>(image.width) * image.height;
    std::vector<std::uint8_t> united(pixels, 0);
    for (const Shape& part : geometry.shapes) {
        const std::vector<std::uint8_t> drawn = annotations::decodeMask(
            annotations::rasterisePolygon(part.points, image.width, image.height));
        for (std::size_t i = 0; i < pixels; ++i) {
            united[i] |= drawn[i];
        }
    }
    geometry.notes.push_back("its polygon has " + std::to_string(geometry.shapes.size()) +
                             " parts; it is imported as one mask of their union");
    Shape mask;
    mask.kind = ShapeKind::Mask;
    mask.mask = annotations::encodeMask(united.data(), image.width, image.height,
                                        static_cast<std::size_t>(image.width));
    geometry.shapes.assign(1, std::move(mask));
}

std::optional<Box> parseBox(const json& bbox, std::string& problem) {
    if (!bbox.is_array() || bbox.size() != 4 ||
        !std::all_of(bbox.begin(), bbox.end(), [](const json& v) { return v.is_number(); })) {
        problem = "its bbox is not a list of 4 numbers (x, y, width, height)";
        return std::nullopt;
    }
    const Box box{bbox[0].get<double>(), bbox[1].get<double>(), bbox[2].get<double>(),
                  bbox[3].get<double>()};
    if (box.width <= 0 || box.height <= 0) {
        problem =
            "its bbox has no area (width " + bbox[2].dump() + ", height " + bbox[3].dump() + ")";
        return std::nullopt;
    }
    return box;
}

void addPolygons(const json& parts, Geometry& geometry) {
    for (std::size_t p = 0; p < parts.size(); ++p) {
        const json& part = parts[p];
        const std::string name = "segmentation[" + std::to_string(p) + "]";
        if (!part.is_array() ||
            !std::all_of(part.begin(), part.end(), [](const json& v) { return v.is_number(); })) {
            geometry.problems.push_back(name + " is not a list of numbers");
            continue;
        }
        if (part.size() < 6 || part.size() % 2 != 0) {
            geometry.problems.push_back(name + " has " + std::to_string(part.size()) +
                                        " numbers, but a polygon needs 3 or more x, y pairs");
            continue;
        }
        Shape shape;
        shape.kind = ShapeKind::Polygon;
        for (std::size_t i = 0; i + 1 < part.size(); i += 2) {
            shape.points.push_back(Point{part[i].get<double>(), part[i + 1].get<double>()});
        }
        geometry.shapes.push_back(std::move(shape));
    }
}

void addMask(const json& rle, const CocoImage& image, const std::string& what, Geometry& geometry) {
    const json& size = rle["size"];
    if (!size.is_array() || size.size() != 2 || !size[0].is_number_integer() ||
        !size[1].is_number_integer()) {
        geometry.problems.push_back("its RLE size is not [height, width]");
        return;
    }
    const int height = size[0].get<int>();
    const int width = size[1].get<int>();
    if (image.width > 0 && image.height > 0 && (width != image.width || height != image.height)) {
        geometry.problems.push_back("its RLE size is " + std::to_string(width) + " x " +
                                    std::to_string(height) + ", but the image is " +
                                    std::to_string(image.width) + " x " +
                                    std::to_string(image.height));
        return;
    }
    const json& counts = rle["counts"];
    Shape shape;
    shape.kind = ShapeKind::Mask;
    try {
        if (counts.is_string()) {
            shape.mask = annotations::rleFromString(counts.get<std::string>(), width, height, what);
        } else if (counts.is_array() &&
                   std::all_of(counts.begin(), counts.end(), [](const json& v) {
                       return v.is_number_integer() && v.get<long long>() >= 0 &&
                              v.get<long long>() <= std::numeric_limits<std::uint32_t>::max();
                   })) {
            shape.mask = annotations::rleFromCounts(counts.get<std::vector<std::uint32_t>>(), width,
                                                    height, what);
        } else {
            geometry.problems.push_back("its RLE counts are neither a string nor a list of "
                                        "run lengths");
            return;
        }
    } catch (const Error& e) {
        // The sentence, made a clause to follow the annotation's place.
        std::string message = e.what();
        if (!message.empty() && message.back() == '.') {
            message.pop_back();
        }
        if (!message.empty()) {
            message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
        }
        geometry.problems.push_back(message);
        return;
    }
    geometry.shapes.push_back(std::move(shape));
}

Geometry geometryOf(const json& annotation, const CocoImage& image) {
    Geometry geometry;
    const json empty;
    const json& segmentation =
        annotation.contains("segmentation") ? annotation["segmentation"] : empty;
    if (segmentation.is_array() && !segmentation.empty()) {
        addPolygons(segmentation, geometry);
        mergeParts(geometry, image);
    } else if (segmentation.is_object() && segmentation.contains("counts") &&
               segmentation.contains("size")) {
        addMask(segmentation, image, "segmentation.counts", geometry);
    } else if (segmentation.is_null() || (segmentation.is_array() && segmentation.empty()) ||
               (segmentation.is_object() && segmentation.empty())) {
        std::string problem;
        const json& bbox = annotation.contains("bbox") ? annotation["bbox"] : empty;
        if (const auto box = parseBox(bbox, problem)) {
            Shape shape;
            shape.kind = ShapeKind::Box;
            shape.box = *box;
            geometry.shapes.push_back(std::move(shape));
        } else {
            geometry.problems.push_back(problem);
        }
    } else {
        geometry.problems.push_back("its segmentation is neither polygons nor an RLE with size "
                                    "and counts");
    }
    return geometry;
}

// Where an image file named by a COCO entry is: beside the JSON, in images/ beside it, or
// in the folder given.
std::optional<fs::path> findImage(const std::string& fileName, const fs::path& jsonFolder,
                                  const std::optional<fs::path>& imagesDir) {
    std::vector<fs::path> candidates;
    if (imagesDir) {
        candidates.push_back(*imagesDir / fileName);
        candidates.push_back(*imagesDir / fs::path(fileName).filename());
    }
    candidates.push_back(jsonFolder / fileName);
    candidates.push_back(jsonFolder / "images" / fileName);
    candidates.push_back(jsonFolder / "images" / fs::path(fileName).filename());
    for (const fs::path& candidate : candidates) {
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec)) {
            return fs::absolute(candidate).lexically_normal();
        }
    }
    return std::nullopt;
}

std::string plural(std::size_t count, const std::string& noun) {
    return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

class CocoReader {
public:
    CocoReader(AnnotatedScan& scan, const std::optional<fs::path>& imagesDir)
        : scan_(scan), imagesDir_(imagesDir) {}

    void read(const fs::path& file, const json& root) {
        const std::string shown = file.filename().string();
        const std::optional<std::string> split = splitForFileName(file.stem().string());
        const auto categories = readCategories(root, shown);
        std::map<std::string, CocoImage> images; // by id
        // Entries whose file is missing, by id: where they are, and their annotations.
        std::map<std::string, std::pair<std::string, std::size_t>> unfound;
        const json& imageList = arrayAt(root, "images", shown);
        for (std::size_t i = 0; i < imageList.size(); ++i) {
            const json& entry = imageList[i];
            const std::string place = shown + " images[" + std::to_string(i) + "]";
            if (!entry.is_object() || !entry.contains("id") || !entry.contains("file_name") ||
                !entry["file_name"].is_string()) {
                scan_.problems.push_back(place + " has no id or file_name; it is left out.");
                continue;
            }
            const std::string id = idText(entry["id"]);
            const std::string fileName = entry["file_name"].get<std::string>();
            if (images.count(id) || unfound.count(id)) {
                scan_.problems.push_back(place + " repeats the image id " + id +
                                         "; the second entry is left out.");
                continue;
            }
            const auto found = findImage(fileName, file.parent_path(), imagesDir_);
            if (!found) {
                unfound[id] = {place + " (id " + id + ", image '" + fileName + "')", 0};
                continue;
            }
            ImportItem item;
            item.file = *found;
            item.split = split;
            item.annotationFile = shown;
            item.declaredWidth = static_cast<int>(numberAt(entry, "width").value_or(0));
            item.declaredHeight = static_cast<int>(numberAt(entry, "height").value_or(0));
            images.emplace(id, CocoImage{scan_.items.size(), fileName, item.declaredWidth,
                                         item.declaredHeight});
            scan_.items.push_back(std::move(item));
        }

        const json& annotationList = arrayAt(root, "annotations", shown);
        for (std::size_t i = 0; i < annotationList.size(); ++i) {
            const json& annotation = annotationList[i];
            std::string where = shown + " annotations[" + std::to_string(i) + "]";
            if (!annotation.is_object()) {
                scan_.problems.push_back(where + " is not an object; it is left out.");
                continue;
            }
            const std::string id = annotation.contains("id") ? idText(annotation["id"]) : "";
            const std::string imageId =
                annotation.contains("image_id") ? idText(annotation["image_id"]) : "";
            const auto image = images.find(imageId);
            if (image == images.end()) {
                if (const auto missing = unfound.find(imageId); missing != unfound.end()) {
                    ++missing->second.second; // told once, with the image
                    continue;
                }
                scan_.problems.push_back(where + (id.empty() ? "" : " (id " + id + ")") +
                                         (imageId.empty() ? " has no image_id"
                                                          : " names image id " + imageId +
                                                                ", which is not among the images") +
                                         "; the annotation is left out.");
                continue;
            }
            where += " (" + (id.empty() ? "" : "id " + id + ", ") + "image '" +
                     image->second.fileName + "')";
            const std::string categoryId =
                annotation.contains("category_id") ? idText(annotation["category_id"]) : "";
            const auto category = categories.find(categoryId);
            if (category == categories.end()) {
                scan_.problems.push_back(where + " has category id " +
                                         (categoryId.empty() ? "(none)" : categoryId) +
                                         ", which is not among the categories; the annotation "
                                         "is left out.");
                continue;
            }
            Geometry geometry = geometryOf(annotation, image->second);
            for (const std::string& problem : geometry.problems) {
                scan_.problems.push_back(where + ": " + problem + "; it is left out.");
            }
            for (const std::string& note : geometry.notes) {
                scan_.problems.push_back(where + ": " + note + ".");
            }
            const json crowd = annotation.value("iscrowd", json(0));
            const bool isCrowd =
                crowd.is_boolean() ? crowd.get<bool>() : crowd.is_number() && crowd != 0;
            for (Shape& shape : geometry.shapes) {
                shape.source = "import";
                shape.crowd = isCrowd;
                scan_.items[image->second.item].shapes.push_back(
                    SourceShape{LabelledShape{std::move(shape), category->second}, where});
            }
        }

        for (const auto& [id, entry] : unfound) {
            const auto& [place, annotations] = entry;
            scan_.problems.push_back(
                place + ": the image file is found neither beside " + shown +
                ", nor in its images/ folder" +
                (imagesDir_ ? ", nor in " + imagesDir_->string() : std::string()) +
                "; it and its " + plural(annotations, "annotation") + " are left out.");
        }
    }

private:
    // Category ids to names; the names join the scan's classes in id order.
    std::map<std::string, std::string> readCategories(const json& root, const std::string& shown) {
        std::map<std::string, std::string> byId;
        if (!root.contains("categories")) {
            return byId;
        }
        const json& list = arrayAt(root, "categories", shown);
        std::vector<std::pair<double, std::string>> ordered;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const json& entry = list[i];
            if (!entry.is_object() || !entry.contains("id") || !entry.contains("name") ||
                !entry["name"].is_string()) {
                throw Error(ErrorKind::InvalidArgument,
                            shown + " categories[" + std::to_string(i) + "] has no id or no name.");
            }
            const std::string name = entry["name"].get<std::string>();
            byId[idText(entry["id"])] = name;
            ordered.emplace_back(entry["id"].is_number() ? entry["id"].get<double>() : 0.0, name);
        }
        std::stable_sort(ordered.begin(), ordered.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (const auto& entry : ordered) {
            if (known_.insert(entry.second).second) {
                scan_.classNames.push_back(entry.second);
            }
        }
        return byId;
    }

    AnnotatedScan& scan_;
    const std::optional<fs::path>& imagesDir_;
    std::set<std::string> known_;
};

} // namespace

AnnotatedScan scanCoco(const fs::path& source, const std::optional<fs::path>& imagesDir) {
    AnnotatedScan scan;
    CocoReader reader(scan, imagesDir);
    std::error_code ec;
    if (fs::is_directory(source, ec)) {
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(source, ec)) {
            const fs::path& path = entry.path();
            if (entry.is_regular_file() && path.extension() == ".json" &&
                path.filename().string()[0] != '.') {
                files.push_back(path);
            }
        }
        if (ec) {
            throw Error(ErrorKind::Io,
                        "Cannot read the folder " + source.string() + ": " + ec.message() + ".");
        }
        std::sort(files.begin(), files.end());
        std::size_t read = 0;
        for (const fs::path& file : files) {
            const json root = readJsonFile(file);
            if (isCoco(root)) {
                reader.read(file, root);
                ++read;
            }
        }
        if (read == 0) {
            throw Error(ErrorKind::NotFound, "The folder " + source.string() +
                                                 " has no COCO JSON file (one with images and "
                                                 "annotations).");
        }
        return scan;
    }
    if (!fs::is_regular_file(source, ec)) {
        throw Error(ErrorKind::NotFound, "The COCO file " + source.string() + " does not exist.");
    }
    const json root = readJsonFile(source);
    if (!isCoco(root)) {
        throw Error(ErrorKind::InvalidArgument,
                    source.string() +
                        " is not a COCO file: it lacks \"images\" or \"annotations\".");
    }
    reader.read(source, root);
    return scan;
}

} // namespace kestrel::dataset
