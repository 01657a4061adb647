#include "dataset/dataset_export.h"

#include "annotations/rle.h"
#include "common/error.h"
#include "dataset/mask_files.h"
#include "project/project.h"
#include "store/annotation_repository.h"
#include "store/sample_repository.h"

#include <array>
#include <map>
#include <set>
#include <utility>

namespace kestrel::dataset {

namespace fs = std::filesystem;

namespace {

constexpr std::array<std::pair<ExportFormat, const char*>, 4> kExportNames = {{
    {ExportFormat::Coco, "coco"},
    {ExportFormat::Yolo, "yolo"},
    {ExportFormat::Voc, "voc"},
    {ExportFormat::MvTec, "mvtec"},
}};

// A mask kept as an image file (MVTec's ground truth), as RLE of the sample's size.
annotations::RleMask readSampleMask(const fs::path& file, int width, int height,
                                    const std::string& sample) {
    annotations::RleMask mask = readMaskFile(file);
    if (mask.width != width || mask.height != height) {
        throw Error(ErrorKind::InvalidArgument,
                    "The mask file " + file.string() + " is " + std::to_string(mask.width) + " x " +
                        std::to_string(mask.height) + " but its image " + sample + " is " +
                        std::to_string(width) + " x " + std::to_string(height) + ".");
    }
    return mask;
}

// The file's name, or with "_<id>" before the extension when another sample has its stem
// already: label, XML and mask files are named by stem, so "a.png" and "a.jpg" would share one.
std::string uniqueName(const fs::path& file, std::int64_t id, std::set<std::string>& stems) {
    std::string stem = file.stem().string();
    for (int attempt = 0; !stems.insert(stem).second; ++attempt) {
        stem = file.stem().string() + "_" + std::to_string(id) +
               (attempt > 0 ? "_" + std::to_string(attempt) : std::string());
    }
    return stem + file.extension().string();
}

} // namespace

std::optional<ExportFormat> parseExportFormat(std::string_view name) {
    for (const auto& [format, text] : kExportNames) {
        if (name == text) {
            return format;
        }
    }
    return std::nullopt;
}

std::string exportFormatName(ExportFormat format) {
    for (const auto& [candidate, text] : kExportNames) {
        if (candidate == format) {
            return text;
        }
    }
    return "unknown";
}

ExportReport exportDataset(Project& project, const DatasetExportOptions& options,
                           const std::function<void(std::size_t, std::size_t)>& progress) {
    store::SampleRepository samples(project.database());
    store::AnnotationRepository annotationStore(project.database());

    ExportDataset dataset;
    std::map<std::int64_t, std::string> classNames;
    for (const store::ClassRow& row : samples.classes()) {
        dataset.classNames.push_back(row.name);
        classNames[row.id] = row.name;
    }
    auto shapes = annotationStore.allShapes();
    const std::vector<store::SampleRow> rows = samples.samples();
    std::set<std::string> taken;
    std::size_t unclassed = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const store::SampleRow& row = rows[i];
        if (progress) {
            progress(i, rows.size());
        }
        if (row.status != "ok" || (options.split && row.split != *options.split)) {
            continue;
        }
        ExportSample sample;
        sample.id = row.id;
        sample.file = project.absolutePath(row.path);
        sample.fileName = uniqueName(sample.file, row.id, taken);
        sample.width = row.width;
        sample.height = row.height;
        sample.split = row.split;
        if (row.classId != 0) {
            sample.label = classNames.at(row.classId);
        }
        for (annotations::Shape& shape : shapes[row.id]) {
            if (shape.classId == 0 || !classNames.count(shape.classId)) {
                ++unclassed;
                continue;
            }
            if (shape.kind == annotations::ShapeKind::Mask && !shape.maskFile.empty()) {
                shape.mask = readSampleMask(project.absolutePath(shape.maskFile), row.width,
                                            row.height, "sample '" + row.path + "'");
                shape.maskFile.clear();
            }
            std::string className = classNames.at(shape.classId);
            sample.shapes.push_back({std::move(shape), std::move(className)});
        }
        dataset.samples.push_back(std::move(sample));
    }
    if (progress) {
        progress(rows.size(), rows.size());
    }

    fs::create_directories(options.folder);
    ExportReport report;
    switch (options.format) {
    case ExportFormat::Coco:
        report = writeCoco(dataset, options.folder);
        break;
    case ExportFormat::Yolo:
        report = writeYolo(dataset, options.folder);
        break;
    case ExportFormat::Voc:
        report = writeVoc(dataset, options.folder);
        break;
    case ExportFormat::MvTec:
        report = writeMvTec(dataset, options.folder);
        break;
    }
    if (unclassed > 0) {
        report.notes.insert(report.notes.begin(),
                            std::to_string(unclassed) +
                                " shapes without a class were left out: every format needs one.");
    }
    return report;
}

} // namespace kestrel::dataset
