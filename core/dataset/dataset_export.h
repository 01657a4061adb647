#pragma once

#include "dataset/dataset_writers.h"

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kestrel {
class Project;
}

namespace kestrel::dataset {

enum class ExportFormat { Coco, Yolo, Voc, MvTec };

std::optional<ExportFormat> parseExportFormat(std::string_view name); // coco|yolo|voc|mvtec
std::string exportFormatName(ExportFormat format);

struct DatasetExportOptions {
    ExportFormat format = ExportFormat::Coco;
    std::filesystem::path folder;     // created when missing
    std::optional<std::string> split; // only this split ("train", "val", "test")
};

// Writes the project's readable samples (of one split, when asked) with their classes and
// shapes into options.folder in the format's layout (dataset_writers.h), reading mask files
// into RLE first. Reads the store only. `progress(done, total)` is called on the calling
// thread as samples are gathered. Throws kestrel::Error naming the file at fault.
ExportReport exportDataset(Project& project, const DatasetExportOptions& options,
                           const std::function<void(std::size_t, std::size_t)>& progress = {});

} // namespace kestrel::dataset
