// scanYolo: a YOLO dataset folder (images/, labels/ mirroring it, data.yaml or classes.txt).
#include "common/error.h"
#include "common/text.h"
#include "dataset/annotation_sources.h"
#include "dataset/image_probe.h"
#include "dataset/source_files.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>

namespace kestrel::dataset {

namespace fs = std::filesystem;
using annotations::Box;
using annotations::LabelledShape;
using annotations::Point;
using annotations::Shape;
using annotations::ShapeKind;

namespace {

// Exporters write corners computed from centres, which can stray past 0 or 1 by a rounding
// error; such values are taken as the edge rather than reported.
constexpr double kEdgeTolerance = 1e-6;

// Every visible file below `folder`, none when it does not exist (a dataset may have no
// labels at all).
std::vector<fs::path> allFilesBelow(const fs::path& folder) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        return {};
    }
    return filesBelow(folder, [](const fs::path&) { return true; });
}

std::vector<std::string> namesFromYaml(const fs::path& file) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(file.string());
    } catch (const YAML::Exception& e) {
        throw Error(ErrorKind::InvalidArgument, "Cannot read " + file.string() + " at line " +
                                                    std::to_string(e.mark.line + 1) + ": " + e.msg +
                                                    ".");
    }
    const YAML::Node names = root.IsMap() ? root["names"] : YAML::Node();
    std::vector<std::string> classNames;
    try {
        if (names && names.IsSequence()) {
            for (const auto& name : names) {
                classNames.push_back(name.as<std::string>());
            }
            return classNames;
        }
        if (names && names.IsMap()) {
            // {0: a, 1: b}: the indices must be 0, 1, ... with none missing.
            std::map<long long, std::string> byIndex;
            for (const auto& entry : names) {
                byIndex[entry.first.as<long long>()] = entry.second.as<std::string>();
            }
            long long expected = 0;
            for (const auto& [index, name] : byIndex) {
                if (index != expected++) {
                    throw Error(ErrorKind::InvalidArgument, "The names in " + file.string() +
                                                                " skip class index " +
                                                                std::to_string(expected - 1) + ".");
                }
                classNames.push_back(name);
            }
            return classNames;
        }
    } catch (const YAML::Exception& e) {
        throw Error(ErrorKind::InvalidArgument, "The names in " + file.string() + " at line " +
                                                    std::to_string(e.mark.line + 1) +
                                                    " are not a list of class names.");
    }
    throw Error(ErrorKind::InvalidArgument,
                file.string() + " has no names: list (or map of class index to name).");
}

std::vector<std::string> namesFromText(const fs::path& file) {
    std::vector<std::string> classNames;
    for (const std::string& line : splitLines(readTextFile(file))) {
        if (std::string name = trimmed(line); !name.empty()) {
            classNames.push_back(std::move(name));
        }
    }
    return classNames;
}

std::vector<std::string> readClassNames(const fs::path& folder) {
    for (const char* name : {"data.yaml", "data.yml"}) {
        if (fs::is_regular_file(folder / name)) {
            return namesFromYaml(folder / name);
        }
    }
    if (fs::is_regular_file(folder / "classes.txt")) {
        return namesFromText(folder / "classes.txt");
    }
    throw Error(ErrorKind::NotFound, "The YOLO folder " + folder.string() +
                                         " has neither data.yaml nor classes.txt to name its "
                                         "classes.");
}

std::vector<std::string> tokens(const std::string& line) {
    std::vector<std::string> result;
    std::istringstream in(line);
    for (std::string token; in >> token;) {
        result.push_back(token);
    }
    return result;
}

std::optional<double> parseNumber(const std::string& text) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::optional<long long> parseInteger(const std::string& text) {
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

bool insideUnit(double value) {
    return value >= -kEdgeTolerance && value <= 1 + kEdgeTolerance;
}

double clampUnit(double value) {
    return std::clamp(value, 0.0, 1.0);
}

// One label line as a shape, or the reason it cannot be one.
struct ParsedLine {
    std::optional<LabelledShape> shape;
    std::string problem;
};

ParsedLine parseLine(const std::vector<std::string>& fields,
                     const std::vector<std::string>& classNames) {
    const std::size_t count = fields.size();
    if (count != 5 && (count < 7 || count % 2 == 0)) {
        if (count >= 3 && count < 7 && count % 2 == 1) {
            return {std::nullopt, "a polygon needs at least 3 points, this line has " +
                                      std::to_string((count - 1) / 2)};
        }
        return {std::nullopt,
                "expected 5 values (class cx cy w h) or a class and 3 or more x y pairs, found " +
                    std::to_string(count)};
    }
    const auto classId = parseInteger(fields[0]);
    if (!classId) {
        return {std::nullopt, "the class id \"" + fields[0] + "\" is not an integer"};
    }
    const auto classCount = static_cast<long long>(classNames.size());
    if (*classId < 0 || *classId >= classCount) {
        return {std::nullopt,
                "class id " + std::to_string(*classId) + " is out of range " +
                    (classCount == 0 ? std::string("(no classes are declared)")
                                     : "(0 to " + std::to_string(classCount - 1) + ")")};
    }
    std::vector<double> values;
    for (std::size_t i = 1; i < count; ++i) {
        const auto value = parseNumber(fields[i]);
        if (!value) {
            return {std::nullopt,
                    "value " + std::to_string(i + 1) + ", \"" + fields[i] + "\" is not a number"};
        }
        values.push_back(*value);
    }
    LabelledShape labelled;
    labelled.className = classNames[static_cast<std::size_t>(*classId)];
    Shape& shape = labelled.shape;
    shape.source = "import";
    if (count == 5) {
        const double cx = values[0], cy = values[1], w = values[2], h = values[3];
        if (w <= 0 || h <= 0) {
            return {std::nullopt,
                    "the box has no area (width " + fields[3] + ", height " + fields[4] + ")"};
        }
        const double left = cx - w / 2, top = cy - h / 2, right = cx + w / 2, bottom = cy + h / 2;
        if (!insideUnit(left) || !insideUnit(top) || !insideUnit(right) || !insideUnit(bottom)) {
            return {std::nullopt, "the box reaches outside the image (coordinates must lie "
                                  "between 0 and 1)"};
        }
        shape.kind = ShapeKind::Box;
        shape.box = Box{clampUnit(left), clampUnit(top), clampUnit(right) - clampUnit(left),
                        clampUnit(bottom) - clampUnit(top)};
        return {std::move(labelled), {}};
    }
    shape.kind = ShapeKind::Polygon;
    for (std::size_t i = 0; i + 1 < values.size(); i += 2) {
        if (!insideUnit(values[i]) || !insideUnit(values[i + 1])) {
            return {std::nullopt, "point " + std::to_string(i / 2 + 1) +
                                      " lies outside the image (coordinates must lie between "
                                      "0 and 1)"};
        }
        shape.points.push_back(Point{clampUnit(values[i]), clampUnit(values[i + 1])});
    }
    return {std::move(labelled), {}};
}

// The shapes of one label file; what cannot be taken goes to `problems`.
std::vector<SourceShape> readLabelFile(const fs::path& file, const std::string& shown,
                                       const std::vector<std::string>& classNames,
                                       std::vector<std::string>& problems) {
    std::vector<SourceShape> shapes;
    std::istringstream in(readTextFile(file));
    int lineNumber = 0;
    for (std::string line; std::getline(in, line);) {
        ++lineNumber;
        const auto fields = tokens(line);
        if (fields.empty()) {
            continue;
        }
        const std::string where = shown + " line " + std::to_string(lineNumber);
        ParsedLine parsed = parseLine(fields, classNames);
        if (!parsed.shape) {
            problems.push_back(where + ": " + parsed.problem + "; the shape is left out.");
            continue;
        }
        shapes.push_back(SourceShape{std::move(*parsed.shape), where});
    }
    return shapes;
}

// The split a path relative to images/ (or labels/) is in: its first folder's, when that
// folder names one.
std::optional<std::string> splitOf(const fs::path& relative) {
    if (std::distance(relative.begin(), relative.end()) < 2) {
        return std::nullopt;
    }
    return splitForFolderName(relative.begin()->string());
}

} // namespace

namespace {

// The images below root/imagesFolder with their labels in root/labelsFolder at the same
// relative paths; `split` when the layout fixes it, else from each image's first folder.
void scanImagesAndLabels(const fs::path& root, const fs::path& imagesFolder,
                         const fs::path& labelsFolder, const std::optional<std::string>& split,
                         AnnotatedScan& scan) {
    const fs::path imagesDir = root / imagesFolder;
    const fs::path labelsDir = root / labelsFolder;
    // Label files by their path relative to labels/ without extension, to match images.
    std::set<fs::path> matchedLabels;
    for (const fs::path& image : allFilesBelow(imagesDir)) {
        if (!hasImageExtension(image)) {
            continue;
        }
        const fs::path relative = image.lexically_relative(imagesDir);
        ImportItem item;
        item.file = image;
        item.split = split ? split : splitOf(relative);
        item.shapesNormalised = true;
        const fs::path labelRelative = fs::path(relative).replace_extension(".txt");
        const fs::path labelFile = labelsDir / labelRelative;
        if (fs::is_regular_file(labelFile)) {
            const std::string shown = (labelsFolder / labelRelative).generic_string();
            item.annotationFile = shown;
            item.shapes = readLabelFile(labelFile, shown, scan.classNames, scan.problems);
            matchedLabels.insert(labelFile);
        }
        scan.items.push_back(std::move(item));
    }
    for (const fs::path& label : allFilesBelow(labelsDir)) {
        // LabelImg keeps a classes.txt beside the labels; it describes no image.
        if (label.extension() != ".txt" || matchedLabels.count(label) ||
            label == labelsDir / "classes.txt") {
            continue;
        }
        const fs::path relative = label.lexically_relative(labelsDir);
        scan.problems.push_back((labelsFolder / relative).generic_string() + " has no image in " +
                                (imagesFolder / relative.parent_path()).generic_string() +
                                "/ with the same name; its shapes are left out.");
    }
}

// Split folders that hold images/ and labels/ each (train/images, valid/labels, ...), as
// Ultralytics and Roboflow export them.
std::vector<fs::path> splitFoldersWithImages(const fs::path& root) {
    std::vector<fs::path> folders;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
        const fs::path name = entry.path().filename();
        if (entry.is_directory(ec) && splitForFolderName(name.string()) &&
            fs::is_directory(entry.path() / "images", ec)) {
            folders.push_back(name);
        }
    }
    std::sort(folders.begin(), folders.end());
    return folders;
}

} // namespace

bool isYoloFolder(const fs::path& folder) {
    std::error_code ec;
    if (fs::is_directory(folder / "images", ec) && fs::is_directory(folder / "labels", ec)) {
        return true;
    }
    for (const fs::path& split : splitFoldersWithImages(folder)) {
        if (fs::is_directory(folder / split / "labels", ec)) {
            return true;
        }
    }
    return false;
}

AnnotatedScan scanYolo(const fs::path& folder) {
    const fs::path root = fs::absolute(folder);
    const std::vector<fs::path> splitFolders = splitFoldersWithImages(root);
    if (!fs::is_directory(root / "images") && splitFolders.empty()) {
        throw Error(ErrorKind::NotFound, "The YOLO folder " + root.string() +
                                             " has neither an images/ folder nor split "
                                             "folders with one (train/images, val/images).");
    }
    AnnotatedScan scan;
    scan.classNames = readClassNames(root);
    if (fs::is_directory(root / "images")) {
        scanImagesAndLabels(root, "images", "labels", std::nullopt, scan);
    }
    for (const fs::path& split : splitFolders) {
        scanImagesAndLabels(root, split / "images", split / "labels",
                            splitForFolderName(split.string()), scan);
    }
    return scan;
}

} // namespace kestrel::dataset
