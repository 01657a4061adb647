#pragma once

#include "annotations/shape.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kestrel::dataset {

// A sample as an export writes it: the image file to copy, the unique name it gets in the
// export, and its shapes with class names. Masks are always RLE here (mask files are read
// by the caller), and every class name is one of ExportDataset::classNames.
struct ExportSample {
    std::int64_t id = 0;
    std::filesystem::path file; // absolute
    std::string fileName;       // unique within the export, with the file's extension
    int width = 0;
    int height = 0;
    std::string split; // "train", "val", "test" or "" (none)
    std::string label; // the sample's class name, "" when unlabelled
    std::vector<annotations::LabelledShape> shapes;
};

struct ExportDataset {
    std::vector<std::string> classNames; // the project's classes, in its order
    std::vector<ExportSample> samples;   // by id
};

// What was written, and one sentence per thing the format could not hold as it was (a
// polygon written as its box to VOC, a mask written as its outlines to YOLO, ...).
struct ExportReport {
    std::size_t images = 0;
    std::size_t boxes = 0;
    std::size_t polygons = 0;
    std::size_t masks = 0;
    std::vector<std::string> notes;
};

// Each writes into `folder` (created; existing files of the same names are replaced) in the
// layout its scan*() reads back, copying the images. Throws kestrel::Error on a failed write.
//   coco   images/<fileName>; instances_<split>.json per split present (instances.json for
//          samples without one); categories numbered 1.. in classNames order
//   yolo   images/<split>/<fileName>, labels/<split>/<stem>.txt (no split: directly under
//          images/ and labels/), classes.txt and data.yaml; masks as their outlines
//   voc    JPEGImages/<fileName>, Annotations/<stem>.xml, ImageSets/Main/<split>.txt,
//          labels.txt; polygons and masks as their boxes
//   mvtec  <split>/<folder>/<fileName> with split train or test (val and none go to test),
//          folder the sample's label, else its first shape's class, else "good";
//          ground_truth/<folder>/<stem>_mask.png (255 where any shape is) for samples with shapes
ExportReport writeCoco(const ExportDataset& dataset, const std::filesystem::path& folder);
ExportReport writeYolo(const ExportDataset& dataset, const std::filesystem::path& folder);
ExportReport writeVoc(const ExportDataset& dataset, const std::filesystem::path& folder);
ExportReport writeMvTec(const ExportDataset& dataset, const std::filesystem::path& folder);

} // namespace kestrel::dataset
