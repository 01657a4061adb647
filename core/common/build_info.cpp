#include "common/build_info.h"

#include "common/version.h"

#include <opencv2/core/version.hpp>
#include <sqlite3.h>

namespace kestrel {

std::vector<std::pair<std::string, std::string>> libraryVersions() {
    return {
        {"Kestrel", kestrelVersion()},
        {"LibTorch", KESTREL_LIBTORCH_VERSION}, // from CMake: this library links no LibTorch
        {"OpenCV", CV_VERSION},
        {"SQLite", sqlite3_libversion()},
    };
}

std::string libraryVersionsLine() {
    std::string line;
    for (const auto& [name, version] : libraryVersions()) {
        line += (line.empty() ? "" : ", ") + name + " " + version;
    }
    return line;
}

} // namespace kestrel
