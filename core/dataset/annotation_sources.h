#pragma once

#include "dataset/import_source.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kestrel::dataset {

// What scanning an annotated dataset found: the images with their shapes, the classes the
// source declares (in its order: COCO category ids, YOLO indices, VOC's labels.txt), and one
// sentence per annotation it could not take (naming the file and the place in it: JSON path,
// line, annotation id, image). Problems are counted and shown, never silent; the shapes they
// concern are left out. A file that cannot be parsed at all throws kestrel::Error instead.
struct AnnotatedScan {
    std::vector<ImportItem> items;
    std::vector<std::string> classNames;
    std::vector<std::string> problems;
};

// COCO JSON: `source` is one .json file, or a folder whose *.json files are COCO (each one a
// split when its name says so: "instances_train2017.json" is train, "val.json" val). Images
// are found relative to the JSON file, in the images/ folder beside it, or in `imagesDir`.
// A polygon segmentation is a polygon (one per part when it has several), an RLE one
// (compressed or not) a mask, none a box; `iscrowd` is kept.
AnnotatedScan scanCoco(const std::filesystem::path& source,
                       const std::optional<std::filesystem::path>& imagesDir);

// A YOLO dataset folder: images/ (with or without train/val/test subfolders) and labels/
// mirroring it, or split folders holding images/ and labels/ each (train/images,
// valid/labels: Ultralytics' and Roboflow's exports); one .txt per image ("class cx cy w h"
// boxes or "class x1 y1 x2 y2 ..." polygons, normalised: ImportItem::shapesNormalised), and
// classes.txt or data.yaml.
AnnotatedScan scanYolo(const std::filesystem::path& folder);
// Whether `folder` has either YOLO layout, for format detection.
bool isYoloFolder(const std::filesystem::path& folder);

// A Pascal VOC folder: Annotations/*.xml, JPEGImages/, ImageSets/Main/{train,val,test}.txt
// for splits when present, labels.txt for the class order when present. Each object is a
// box (VOC's 1-based inclusive pixel corners converted to this project's convention) with
// `difficult` and `truncated`.
AnnotatedScan scanVoc(const std::filesystem::path& folder);

// A folder of labelme JSON files (rectangle and polygon shapes; others are problems), each
// naming its image by imagePath relative to itself.
AnnotatedScan scanLabelme(const std::filesystem::path& folder);

} // namespace kestrel::dataset
