#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kestrel::dataset {

enum class ImportFormat { Auto, ImageFolder, Folder, Csv, Idx, MvTec };

std::optional<ImportFormat> parseImportFormat(std::string_view name);
std::string formatName(ImportFormat format);

// One image a source offers, before it is read: where it is and what the source says of it.
struct ImportItem {
    std::filesystem::path file;               // absolute
    std::optional<std::string> label;         // class name, when the source gives one
    std::optional<std::string> split;         // "train", "val" or "test" when fixed
    std::vector<std::filesystem::path> masks; // MVTec ground-truth masks, absolute
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
