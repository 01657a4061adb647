#pragma once

// Reading the files of an import source: which files a folder holds, and their text.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kestrel::dataset {

// Names starting with '.' (.git, .DS_Store, editor backups) are never part of a dataset.
bool isHidden(const std::filesystem::path& path);

// The regular files below `folder` (recursively) that `wanted` accepts, skipping hidden
// files and folders, sorted so imports are reproducible. Throws kestrel::Error naming the
// folder when it does not exist or cannot be read.
std::vector<std::filesystem::path>
filesBelow(const std::filesystem::path& folder,
           const std::function<bool(const std::filesystem::path&)>& wanted);

// The whole file; throws kestrel::Error naming it when it cannot be read.
std::string readTextFile(const std::filesystem::path& file);

// The file parsed as JSON; throws kestrel::Error naming the file, line and column of a
// syntax error.
nlohmann::json readJsonFile(const std::filesystem::path& file);

} // namespace kestrel::dataset
