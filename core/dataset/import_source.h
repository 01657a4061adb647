#pragma once

#include "annotations/shape.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kestrel::dataset {

enum class ImportFormat { Auto, ImageFolder, Folder, Csv, Idx, MvTec, Coco, Yolo, Voc, Labelme };

std::optional<ImportFormat> parseImportFormat(std::string_view name);
std::string formatName(ImportFormat format);

// A shape an annotated source gives, and where it says so, for messages about it:
// "labels/train/a.txt line 3", "annotations.json annotations[17] (id 42)".
struct SourceShape {
    annotations::LabelledShape labelled;
    std::string where;
};

// One image a source offers, before it is read: where it is and what the source says of it.
struct ImportItem {
    std::filesystem::path file;               // absolute
    std::optional<std::string> label;         // class name, when the source gives one
    std::optional<std::string> split;         // "train", "val" or "test" when fixed
    std::vector<std::filesystem::path> masks; // MVTec ground-truth masks, absolute
    std::vector<SourceShape> shapes;          // annotated formats' boxes, polygons and masks
    // YOLO: the shapes' coordinates are fractions of the image's width and height, scaled
    // once the image is read.
    bool shapesNormalised = false;
    // The image size the annotation file declares (COCO, VOC, labelme), 0 when none; a
    // different decoded size is reported.
    int declaredWidth = 0;
    int declaredHeight = 0;
    std::string annotationFile; // the file that describes this image, for messages
};

// Picks the format of `source` by its layout; throws kestrel::Error when none fits.
ImportFormat detectFormat(const std::filesystem::path& source);

// "train", "val" (also "valid", "validation") or "test" for a split folder name, in any case.
std::optional<std::string> splitForFolderName(const std::string& name);

// Directory layouts. Hidden files and folders and files without an image extension are
// skipped silently; results are sorted by path so imports are reproducible.
std::vector<ImportItem> scanImageFolder(const std::filesystem::path& root);
std::vector<ImportItem> scanPlainFolder(const std::filesystem::path& root);
std::vector<ImportItem> scanMvTec(const std::filesystem::path& root);

// A CSV of path,label[,split] with a header. Throws kestrel::Error naming the file and line
// of the first bad row.
std::vector<ImportItem> scanCsv(const std::filesystem::path& csvFile);

} // namespace kestrel::dataset
