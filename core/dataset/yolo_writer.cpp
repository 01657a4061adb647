// writeYolo: images/<split>/, labels/<split>/ with one normalised .txt per image,
// classes.txt and data.yaml.
#include "annotations/rle.h"
#include "common/error.h"
#include "dataset/dataset_writers.h"
#include "dataset/export_files.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <yaml-cpp/yaml.h>

namespace kestrel::dataset {

namespace fs = std::filesystem;
using annotations::Point;
using annotations::ShapeKind;

namespace {

const std::vector<std::string> kSplitOrder = {"train", "val", "test"};

std::string fixed6(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6f", value);
    return text;
}

// Writes label lines for one sample, counting what the format had to change.
class LabelLines {
public:
    LabelLines(const ExportSample& sample, std::size_t classIndex)
        : sample_(sample), prefix_(std::to_string(classIndex)) {}

    void box(const annotations::Box& box) {
        const double left = normalisedX(box.x), right = normalisedX(box.right());
        const double top = normalisedY(box.y), bottom = normalisedY(box.bottom());
        text_ += prefix_ + " " + fixed6((left + right) / 2) + " " + fixed6((top + bottom) / 2) +
                 " " + fixed6(right - left) + " " + fixed6(bottom - top) + "\n";
    }

    void polygon(const std::vector<Point>& points) {
        text_ += prefix_;
        for (const Point& point : points) {
            text_ += " " + fixed6(normalisedX(point.x)) + " " + fixed6(normalisedY(point.y));
        }
        text_ += "\n";
    }

    void setPrefix(std::size_t classIndex) {
        prefix_ = std::to_string(classIndex);
        clipped_ = false;
    }
    bool clipped() const { return clipped_; }
    const std::string& text() const { return text_; }

private:
    double normalisedX(double x) { return clip(x / sample_.width); }
    double normalisedY(double y) { return clip(y / sample_.height); }
    double clip(double value) {
        const double inside = std::clamp(value, 0.0, 1.0);
        clipped_ = clipped_ || inside != value;
        return inside;
    }

    const ExportSample& sample_;
    std::string prefix_;
    std::string text_;
    bool clipped_ = false;
};

std::string dataYaml(const ExportDataset& dataset, const std::set<std::string>& splits) {
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "path" << YAML::Value << ".";
    for (const std::string& split : kSplitOrder) {
        if (splits.count(split)) {
            out << YAML::Key << split << YAML::Value << "images/" + split;
        }
    }
    out << YAML::Key << "nc" << YAML::Value << dataset.classNames.size();
    out << YAML::Key << "names" << YAML::Value << YAML::BeginSeq;
    for (const std::string& name : dataset.classNames) {
        out << YAML::DoubleQuoted << name;
    }
    out << YAML::EndSeq << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

} // namespace

ExportReport writeYolo(const ExportDataset& dataset, const fs::path& folder) {
    ExportReport report;
    createFolder(folder);
    std::map<std::string, std::size_t> classIndex;
    for (std::size_t i = 0; i < dataset.classNames.size(); ++i) {
        classIndex.emplace(dataset.classNames[i], i);
    }
    std::set<std::string> splits;
    std::map<fs::path, std::string> labelOwners; // label file -> the image it describes
    std::size_t unclassed = 0;
    std::size_t clipped = 0;
    for (const ExportSample& sample : dataset.samples) {
        const fs::path splitFolder = sample.split.empty() ? fs::path() : fs::path(sample.split);
        if (!sample.split.empty()) {
            splits.insert(sample.split);
        }
        const fs::path labelFile =
            folder / "labels" / splitFolder / fs::path(sample.fileName).replace_extension(".txt");
        if (const auto [owner, added] = labelOwners.emplace(labelFile, sample.fileName); !added) {
            throw Error(ErrorKind::InvalidArgument,
                        "Cannot export " + sample.fileName + " and " + owner->second +
                            " to YOLO: both would be described by " + labelFile.string() + ".");
        }
        if (!sample.shapes.empty() && (sample.width <= 0 || sample.height <= 0)) {
            throw Error(ErrorKind::InvalidArgument,
                        "Cannot export the shapes of " + sample.fileName +
                            " to YOLO: its size is unknown, so they cannot be normalised.");
        }
        LabelLines lines(sample, 0);
        for (const annotations::LabelledShape& labelled : sample.shapes) {
            const auto index = classIndex.find(labelled.className);
            if (index == classIndex.end()) {
                ++unclassed;
                continue;
            }
            lines.setPrefix(index->second);
            const annotations::Shape& shape = labelled.shape;
            switch (shape.kind) {
            case ShapeKind::Box:
                lines.box(shape.box);
                ++report.boxes;
                break;
            case ShapeKind::Polygon:
                lines.polygon(shape.points);
                ++report.polygons;
                break;
            case ShapeKind::Mask: {
                const auto outlines = annotations::maskOutlines(shape.mask);
                for (const auto& outline : outlines) {
                    lines.polygon(outline);
                }
                ++report.masks;
                report.notes.push_back("A " + labelled.className + " mask on " + sample.fileName +
                                       " was written as " + std::to_string(outlines.size()) +
                                       " outline polygon" + (outlines.size() == 1 ? "" : "s") +
                                       ", as YOLO cannot hold masks.");
                break;
            }
            }
            clipped += lines.clipped() ? 1 : 0;
        }
        copyExportedImage(sample.file, folder / "images" / splitFolder / sample.fileName);
        writeExportedText(labelFile, lines.text());
        ++report.images;
    }
    if (unclassed > 0) {
        report.notes.push_back(std::to_string(unclassed) + " shape" + (unclassed == 1 ? "" : "s") +
                               " without a class left out, as YOLO needs a class for every "
                               "shape.");
    }
    if (clipped > 0) {
        report.notes.push_back(std::to_string(clipped) + " shape" +
                               (clipped == 1 ? " reaches" : "s reach") + " outside its image and " +
                               (clipped == 1 ? "was" : "were") +
                               " clipped to it, as YOLO coordinates lie between 0 and 1.");
    }
    std::string classes;
    for (const std::string& name : dataset.classNames) {
        classes += name + "\n";
    }
    writeExportedText(folder / "classes.txt", classes);
    writeExportedText(folder / "data.yaml", dataYaml(dataset, splits));
    return report;
}

} // namespace kestrel::dataset
