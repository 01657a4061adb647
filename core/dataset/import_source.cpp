#include "dataset/import_source.h"

#include <array>
#include <utility>

namespace kestrel::dataset {

namespace {

constexpr std::array<std::pair<ImportFormat, const char*>, 10> kFormatNames = {{
    {ImportFormat::Auto, "auto"},
    {ImportFormat::ImageFolder, "imagefolder"},
    {ImportFormat::Folder, "folder"},
    {ImportFormat::Csv, "csv"},
    {ImportFormat::Idx, "idx"},
    {ImportFormat::MvTec, "mvtec"},
    {ImportFormat::Coco, "coco"},
    {ImportFormat::Yolo, "yolo"},
    {ImportFormat::Voc, "voc"},
    {ImportFormat::Labelme, "labelme"},
}};

} // namespace

std::optional<ImportFormat> parseImportFormat(std::string_view name) {
    for (const auto& [format, text] : kFormatNames) {
        if (name == text) {
            return format;
        }
    }
    return std::nullopt;
}

std::string formatName(ImportFormat format) {
    for (const auto& [candidate, text] : kFormatNames) {
        if (candidate == format) {
            return text;
        }
    }
    return "unknown";
}

} // namespace kestrel::dataset
