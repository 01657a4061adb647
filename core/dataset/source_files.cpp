#include "dataset/source_files.h"

#include "common/error.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace kestrel::dataset {

namespace fs = std::filesystem;

bool isHidden(const fs::path& path) {
    const std::string name = path.filename().string();
    return !name.empty() && name[0] == '.';
}

std::vector<fs::path> filesBelow(const fs::path& folder,
                                 const std::function<bool(const fs::path&)>& wanted) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(folder, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (isHidden(it->path())) {
            if (it->is_directory(ec)) {
                it.disable_recursion_pending();
            }
            continue;
        }
        if (it->is_regular_file(ec) && wanted(it->path())) {
            files.push_back(it->path());
        }
    }
    if (ec) {
        throw Error(ErrorKind::Io,
                    "Cannot read the folder " + folder.string() + ": " + ec.message() + ".");
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string readTextFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw Error(ErrorKind::Io, "Cannot read " + file.string() + ".");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

nlohmann::json readJsonFile(const fs::path& file) {
    const std::string text = readTextFile(file);
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann's message, less its "[json.exception.parse_error.101] " tag, names the
        // line and column.
        std::string message = e.what();
        if (const auto close = message.find("] "); close != std::string::npos) {
            message = message.substr(close + 2);
        }
        throw Error(ErrorKind::InvalidArgument,
                    "Cannot read the JSON file " + file.string() + ": " + message + ".");
    }
}

} // namespace kestrel::dataset
