#pragma once

// File steps the dataset writers share: each throws kestrel::Error (Io) naming the file.

#include "common/error.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace kestrel::dataset {

inline void createFolder(const std::filesystem::path& folder) {
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) {
        throw Error(ErrorKind::Io,
                    "Cannot create the folder " + folder.string() + ": " + ec.message() + ".");
    }
}

// Copies `from` to `to` (its folder created), replacing what is there.
inline void copyExportedImage(const std::filesystem::path& from, const std::filesystem::path& to) {
    createFolder(to.parent_path());
    std::error_code ec;
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) {
        throw Error(ErrorKind::Io, "Cannot copy " + from.string() + " to " + to.string() + ": " +
                                       ec.message() + ".");
    }
}

// Writes `text` to `file` (its folder created), replacing what is there.
inline void writeExportedText(const std::filesystem::path& file, std::string_view text) {
    createFolder(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
        throw Error(ErrorKind::Io, "Cannot write " + file.string() + ".");
    }
}

} // namespace kestrel::dataset
