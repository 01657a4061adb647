// writeVoc: JPEGImages/, one Annotations/<stem>.xml per image, ImageSets/Main/<split>.txt and
// labels.txt. VOC holds only boxes, so polygons and masks are written as their bounds.
#include "annotations/rle.h"
#include "common/error.h"
#include "dataset/dataset_writers.h"
#include "dataset/export_files.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tinyxml2.h>

namespace kestrel::dataset {

namespace fs = std::filesystem;
using annotations::Box;
using annotations::ShapeKind;
using tinyxml2::XMLElement;

namespace {

// VOC's 1-based inclusive pixel corners of a box, kept inside the image when its size is
// known. `clipped` says whether that moved a corner.
struct VocCorners {
    long xmin = 0, ymin = 0, xmax = 0, ymax = 0;
    bool clipped = false;
};

VocCorners vocCorners(const Box& box, int width, int height) {
    VocCorners c;
    c.xmin = std::lround(box.x) + 1;
    c.ymin = std::lround(box.y) + 1;
    c.xmax = std::lround(box.right());
    c.ymax = std::lround(box.bottom());
    const auto keep = [&c](long& value, long low, long high) {
        const long inside = std::clamp(value, low, std::max(low, high));
        c.clipped = c.clipped || inside != value;
        value = inside;
    };
    if (width > 0 && height > 0) {
        keep(c.xmin, 1, width);
        keep(c.ymin, 1, height);
        keep(c.xmax, 1, width);
        keep(c.ymax, 1, height);
    }
    // A box narrower than a pixel still covers the pixel it starts in.
    c.xmax = std::max(c.xmax, c.xmin);
    c.ymax = std::max(c.ymax, c.ymin);
    return c;
}

XMLElement* addText(XMLElement* parent, const char* name, const std::string& text) {
    XMLElement* child = parent->InsertNewChildElement(name);
    child->SetText(text.c_str());
    return child;
}

XMLElement* addNumber(XMLElement* parent, const char* name, long value) {
    return addText(parent, name, std::to_string(value));
}

std::string countOf(std::size_t count, const std::string& noun) {
    return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string asBoxesNote(std::size_t count, const std::string& noun) {
    return countOf(count, noun) +
           (count == 1 ? " was written as its bounding box"
                       : " were written as their bounding boxes") +
           ", as Pascal VOC holds only boxes.";
}

} // namespace

ExportReport writeVoc(const ExportDataset& dataset, const fs::path& folder) {
    ExportReport report;
    createFolder(folder);
    std::map<std::string, std::string> splitLists;
    std::map<std::string, std::string> xmlOwners; // stem -> the image its XML describes
    std::size_t polygonsAsBoxes = 0, masksAsBoxes = 0, unclassed = 0, clipped = 0;
    for (const ExportSample& sample : dataset.samples) {
        const std::string stem = fs::path(sample.fileName).stem().string();
        if (const auto [owner, added] = xmlOwners.emplace(stem, sample.fileName); !added) {
            throw Error(ErrorKind::InvalidArgument,
                        "Cannot export " + sample.fileName + " and " + owner->second +
                            " to Pascal VOC: both would be described by Annotations/" + stem +
                            ".xml.");
        }
        tinyxml2::XMLDocument document;
        XMLElement* annotation = document.NewElement("annotation");
        document.InsertEndChild(annotation);
        addText(annotation, "folder", "JPEGImages");
        addText(annotation, "filename", sample.fileName);
        XMLElement* size = annotation->InsertNewChildElement("size");
        addNumber(size, "width", sample.width);
        addNumber(size, "height", sample.height);
        addNumber(size, "depth", 3);
        addNumber(annotation, "segmented", 0);
        for (const annotations::LabelledShape& labelled : sample.shapes) {
            if (labelled.className.empty()) {
                ++unclassed;
                continue;
            }
            const annotations::Shape& shape = labelled.shape;
            Box box = shape.box;
            switch (shape.kind) {
            case ShapeKind::Box:
                ++report.boxes;
                break;
            case ShapeKind::Polygon:
                box = annotations::boundsOf(shape);
                ++report.polygons;
                ++polygonsAsBoxes;
                break;
            case ShapeKind::Mask:
                box = annotations::maskBounds(shape.mask);
                ++report.masks;
                ++masksAsBoxes;
                break;
            }
            const VocCorners corners = vocCorners(box, sample.width, sample.height);
            clipped += corners.clipped ? 1 : 0;
            XMLElement* object = annotation->InsertNewChildElement("object");
            addText(object, "name", labelled.className);
            addText(object, "pose", "Unspecified");
            addNumber(object, "truncated", shape.truncated ? 1 : 0);
            addNumber(object, "difficult", shape.difficult ? 1 : 0);
            XMLElement* bndbox = object->InsertNewChildElement("bndbox");
            addNumber(bndbox, "xmin", corners.xmin);
            addNumber(bndbox, "ymin", corners.ymin);
            addNumber(bndbox, "xmax", corners.xmax);
            addNumber(bndbox, "ymax", corners.ymax);
        }
        tinyxml2::XMLPrinter printer;
        document.Print(&printer);
        copyExportedImage(sample.file, folder / "JPEGImages" / sample.fileName);
        writeExportedText(folder / "Annotations" / (stem + ".xml"), printer.CStr());
        if (!sample.split.empty()) {
            splitLists[sample.split] += stem + "\n";
        }
        ++report.images;
    }
    for (const auto& [split, stems] : splitLists) {
        writeExportedText(folder / "ImageSets" / "Main" / (split + ".txt"), stems);
    }
    std::string labels;
    for (const std::string& name : dataset.classNames) {
        labels += name + "\n";
    }
    writeExportedText(folder / "labels.txt", labels);

    if (polygonsAsBoxes > 0) {
        report.notes.push_back(asBoxesNote(polygonsAsBoxes, "polygon"));
    }
    if (masksAsBoxes > 0) {
        report.notes.push_back(asBoxesNote(masksAsBoxes, "mask"));
    }
    if (unclassed > 0) {
        report.notes.push_back(countOf(unclassed, "shape") +
                               " without a class left out, as every Pascal VOC object needs a "
                               "name.");
    }
    if (clipped > 0) {
        report.notes.push_back(countOf(clipped, "shape") +
                               " reaching outside the image clipped to it, as Pascal VOC boxes "
                               "lie on the image's pixels.");
    }
    return report;
}

} // namespace kestrel::dataset
