// scanVoc: a Pascal VOC folder (Annotations/*.xml, JPEGImages/, ImageSets/Main/*.txt,
// labels.txt).
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
#include <tinyxml2.h>

namespace kestrel::dataset {

namespace fs = std::filesystem;
using annotations::LabelledShape;
using annotations::ShapeKind;
using tinyxml2::XMLElement;

namespace {

// Visible regular files directly in `folder`, sorted; none when it does not exist.
std::vector<fs::path> filesIn(const fs::path& folder) {
    std::vector<fs::path> files;
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        return files;
    }
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        if (!isHidden(entry.path()) && entry.is_regular_file(ec)) {
            files.push_back(entry.path());
        }
    }
    if (ec) {
        throw Error(ErrorKind::Io,
                    "Cannot read the folder " + folder.string() + ": " + ec.message() + ".");
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<std::string> lineTexts(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw Error(ErrorKind::Io, "Cannot read " + file.string() + ".");
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::vector<std::string> lines;
    for (const std::string& line : splitLines(text.str())) {
        if (std::string kept = trimmed(line); !kept.empty()) {
            lines.push_back(std::move(kept));
        }
    }
    return lines;
}

std::string childText(const XMLElement* parent, const char* name) {
    const XMLElement* child = parent ? parent->FirstChildElement(name) : nullptr;
    return child && child->GetText() ? trimmed(child->GetText()) : std::string();
}

std::optional<double> parseNumber(const std::string& text) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
        !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

// VOC writes flags as 0/1; some tools write true/false.
bool flag(const XMLElement* object, const char* name) {
    const std::string text = lowerCase(childText(object, name));
    return text == "1" || text == "true";
}

// The object as a box, or the sentence saying why it is not one.
std::optional<LabelledShape> readObject(const XMLElement* object, const std::string& where,
                                        std::vector<std::string>& problems) {
    const std::string name = childText(object, "name");
    if (name.empty()) {
        problems.push_back(where + ": the object has no name; it is left out.");
        return std::nullopt;
    }
    const XMLElement* bndbox = object->FirstChildElement("bndbox");
    if (!bndbox) {
        problems.push_back(where + ": the " + name + " object has no bndbox; it is left out.");
        return std::nullopt;
    }
    double corner[4] = {};
    const char* cornerNames[4] = {"xmin", "ymin", "xmax", "ymax"};
    for (int i = 0; i < 4; ++i) {
        const std::string text = childText(bndbox, cornerNames[i]);
        const auto value = parseNumber(text);
        if (!value) {
            problems.push_back(
                where + ": the " + name + " object's " + cornerNames[i] +
                (text.empty() ? std::string(" is missing") : " \"" + text + "\" is not a number") +
                "; it is left out.");
            return std::nullopt;
        }
        corner[i] = *value;
    }
    const auto [xmin, ymin, xmax, ymax] = corner;
    if (xmax < xmin || ymax < ymin) {
        problems.push_back(where + ": the " + name + " object's bndbox ends before it starts (" +
                           (xmax < xmin ? "xmax < xmin" : "ymax < ymin") + "); it is left out.");
        return std::nullopt;
    }
    LabelledShape labelled;
    labelled.className = name;
    labelled.shape.kind = ShapeKind::Box;
    labelled.shape.source = "import";
    // 1-based inclusive pixel indices: pixel xmin covers [xmin - 1, xmin).
    labelled.shape.box = {xmin - 1, ymin - 1, xmax - xmin + 1, ymax - ymin + 1};
    labelled.shape.difficult = flag(object, "difficult");
    labelled.shape.truncated = flag(object, "truncated");
    return labelled;
}

// JPEGImages/<filename>, else JPEGImages/<stem>.<an image extension>.
std::optional<fs::path> findImage(const fs::path& imagesDir, const std::string& fileName,
                                  const std::string& stem,
                                  const std::map<std::string, fs::path>& imagesByStem) {
    if (!fileName.empty() && fs::is_regular_file(imagesDir / fileName)) {
        return imagesDir / fileName;
    }
    if (const auto it = imagesByStem.find(stem); it != imagesByStem.end()) {
        return it->second;
    }
    return std::nullopt;
}

// Image stem -> split from ImageSets/Main/{train,val,test}.txt.
std::map<std::string, std::string> readSplits(const fs::path& root) {
    std::map<std::string, std::string> splits;
    for (const char* split : {"train", "val", "test"}) {
        const fs::path list = root / "ImageSets" / "Main" / (std::string(split) + ".txt");
        if (!fs::is_regular_file(list)) {
            continue;
        }
        for (const std::string& line : lineTexts(list)) {
            splits.emplace(line.substr(0, line.find_first_of(" \t")), split);
        }
    }
    return splits;
}

} // namespace

AnnotatedScan scanVoc(const fs::path& folder) {
    const fs::path root = fs::absolute(folder);
    const fs::path annotationsDir = root / "Annotations";
    const fs::path imagesDir = root / "JPEGImages";
    if (!fs::is_directory(annotationsDir)) {
        throw Error(ErrorKind::NotFound,
                    "The Pascal VOC folder " + root.string() + " has no Annotations/ folder.");
    }
    std::vector<fs::path> images;
    std::map<std::string, fs::path> imagesByStem;
    for (const fs::path& image : filesIn(imagesDir)) {
        if (hasImageExtension(image)) {
            images.push_back(image);
            imagesByStem.emplace(image.stem().string(), image);
        }
    }
    const std::map<std::string, std::string> splits = readSplits(root);

    AnnotatedScan scan;
    std::set<std::string> names;
    std::set<fs::path> described;
    for (const fs::path& file : filesIn(annotationsDir)) {
        if (lowerCase(file.extension().string()) != ".xml") {
            continue;
        }
        const std::string shown = "Annotations/" + file.filename().string();
        tinyxml2::XMLDocument document;
        if (document.LoadFile(file.string().c_str()) != tinyxml2::XML_SUCCESS) {
            throw Error(ErrorKind::InvalidArgument, "Cannot read " + file.string() + " at line " +
                                                        std::to_string(document.ErrorLineNum()) +
                                                        ": " + document.ErrorName() + ".");
        }
        const XMLElement* annotation = document.FirstChildElement("annotation");
        if (!annotation) {
            throw Error(ErrorKind::InvalidArgument,
                        "Cannot read " + file.string() +
                            ": it has no <annotation> element, so it is not Pascal VOC.");
        }
        const std::string stem = file.stem().string();
        const std::string fileName = childText(annotation, "filename");
        const auto image = findImage(imagesDir, fileName, stem, imagesByStem);
        if (!image) {
            scan.problems.push_back(shown + ": its image " +
                                    (fileName.empty() ? stem + ".*" : fileName) +
                                    " is not in JPEGImages/; its objects are left out.");
            continue;
        }
        ImportItem item;
        item.file = *image;
        item.annotationFile = shown;
        if (const auto split = splits.find(image->stem().string()); split != splits.end()) {
            item.split = split->second;
        } else if (const auto byXml = splits.find(stem); byXml != splits.end()) {
            item.split = byXml->second;
        }
        const XMLElement* size = annotation->FirstChildElement("size");
        const auto width = parseNumber(childText(size, "width"));
        const auto height = parseNumber(childText(size, "height"));
        if (width && height && *width > 0 && *height > 0) {
            item.declaredWidth = static_cast<int>(std::lround(*width));
            item.declaredHeight = static_cast<int>(std::lround(*height));
        }
        for (const XMLElement* object = annotation->FirstChildElement("object"); object;
             object = object->NextSiblingElement("object")) {
            const std::string where = shown + " line " + std::to_string(object->GetLineNum());
            if (auto labelled = readObject(object, where, scan.problems)) {
                names.insert(labelled->className);
                item.shapes.push_back(SourceShape{std::move(*labelled), where});
            }
        }
        described.insert(*image);
        scan.items.push_back(std::move(item));
    }
    // Images no XML describes are still samples, without shapes.
    for (const fs::path& image : images) {
        if (!described.count(image)) {
            ImportItem item;
            item.file = image;
            if (const auto split = splits.find(image.stem().string()); split != splits.end()) {
                item.split = split->second;
            }
            scan.items.push_back(std::move(item));
        }
    }
    std::sort(scan.items.begin(), scan.items.end(),
              [](const ImportItem& a, const ImportItem& b) { return a.file < b.file; });

    // labels.txt's order first, then the other names the objects use, sorted.
    if (fs::is_regular_file(root / "labels.txt")) {
        for (const std::string& name : lineTexts(root / "labels.txt")) {
            if (std::find(scan.classNames.begin(), scan.classNames.end(), name) ==
                scan.classNames.end()) {
                scan.classNames.push_back(name);
            }
        }
    }
    for (const std::string& name : names) {
        if (std::find(scan.classNames.begin(), scan.classNames.end(), name) ==
            scan.classNames.end()) {
            scan.classNames.push_back(name);
        }
    }
    return scan;
}

} // namespace kestrel::dataset
