// writeCoco: images/<fileName> and one instances_<split>.json per split (instances.json for
// samples without one), categories numbered 1.. in the project's class order.
#include "annotations/rle.h"
#include "common/error.h"
#include "dataset/dataset_writers.h"
#include "dataset/export_files.h"

#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

namespace kestrel::dataset {

namespace fs = std::filesystem;
using annotations::Box;
using annotations::Point;
using annotations::ShapeKind;
using nlohmann::json;

namespace {

// The area the shoelace formula gives; COCO's "area" of a polygon.
double polygonArea(const std::vector<Point>& points) {
    double twice = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const Point& a = points[i];
        const Point& b = points[(i + 1) % points.size()];
        twice += a.x * b.y - b.x * a.y;
    }
    return std::abs(twice) / 2;
}

json bboxOf(const Box& box) {
    return json::array({box.x, box.y, box.width, box.height});
}

json categoriesOf(const std::vector<std::string>& classNames) {
    json categories = json::array();
    for (std::size_t i = 0; i < classNames.size(); ++i) {
        categories.push_back({{"id", i + 1}, {"name", classNames[i]}, {"supercategory", ""}});
    }
    return categories;
}

// The annotation's geometry fields for one shape, counting it in `report`.
json annotationOf(const annotations::Shape& shape, ExportReport& report) {
    json annotation;
    switch (shape.kind) {
    case ShapeKind::Box:
        annotation["segmentation"] = json::array();
        annotation["bbox"] = bboxOf(shape.box);
        annotation["area"] = shape.box.width * shape.box.height;
        ++report.boxes;
        break;
    case ShapeKind::Polygon: {
        json flat = json::array();
        for (const Point& point : shape.points) {
            flat.push_back(point.x);
            flat.push_back(point.y);
        }
        annotation["segmentation"] = json::array({flat});
        annotation["bbox"] = bboxOf(annotations::boundsOf(shape));
        annotation["area"] = polygonArea(shape.points);
        ++report.polygons;
        break;
    }
    case ShapeKind::Mask:
        annotation["segmentation"] = {{"size", json::array({shape.mask.height, shape.mask.width})},
                                      {"counts", annotations::countsToString(shape.mask.counts)}};
        annotation["bbox"] = bboxOf(annotations::maskBounds(shape.mask));
        annotation["area"] = annotations::maskArea(shape.mask);
        ++report.masks;
        break;
    }
    annotation["iscrowd"] = shape.crowd ? 1 : 0;
    return annotation;
}

struct SplitFile {
    json images = json::array();
    json annotations = json::array();
};

} // namespace

ExportReport writeCoco(const ExportDataset& dataset, const fs::path& folder) {
    ExportReport report;
    createFolder(folder);
    std::map<std::string, std::int64_t> categoryId;
    for (std::size_t i = 0; i < dataset.classNames.size(); ++i) {
        categoryId.emplace(dataset.classNames[i], static_cast<std::int64_t>(i) + 1);
    }
    std::map<std::string, SplitFile> splits; // by split, "" for none
    std::int64_t imageId = 0;
    std::int64_t annotationId = 0;
    std::size_t unclassed = 0;
    for (const ExportSample& sample : dataset.samples) {
        SplitFile& file = splits[sample.split];
        ++imageId;
        json image = {{"id", imageId}, {"file_name", sample.fileName}};
        if (sample.width > 0 && sample.height > 0) {
            image["width"] = sample.width;
            image["height"] = sample.height;
        }
        file.images.push_back(std::move(image));
        for (const annotations::LabelledShape& labelled : sample.shapes) {
            const auto category = categoryId.find(labelled.className);
            if (category == categoryId.end()) {
                ++unclassed;
                continue;
            }
            json annotation = annotationOf(labelled.shape, report);
            annotation["id"] = ++annotationId;
            annotation["image_id"] = imageId;
            annotation["category_id"] = category->second;
            file.annotations.push_back(std::move(annotation));
        }
        copyExportedImage(sample.file, folder / "images" / sample.fileName);
        ++report.images;
    }
    if (splits.empty()) {
        splits[""]; // an empty export is still a COCO file, with its categories
    }
    const json categories = categoriesOf(dataset.classNames);
    for (auto& [split, file] : splits) {
        const json root = {{"info", {{"description", "Exported by Kestrel"}}},
                           {"images", std::move(file.images)},
                           {"annotations", std::move(file.annotations)},
                           {"categories", categories}};
        const std::string name = split.empty() ? "instances.json" : "instances_" + split + ".json";
        writeExportedText(folder / name, root.dump() + "\n");
    }
    if (unclassed > 0) {
        report.notes.push_back(std::to_string(unclassed) + " shape" + (unclassed == 1 ? "" : "s") +
                               " without a class left out, as COCO needs a category for every "
                               "annotation.");
    }
    return report;
}

} // namespace kestrel::dataset
