#include "common/build_info.h"

#include "common/version.h"

#include <opencv2/core/version.hpp>
#include <sqlite3.h>
#include <torch/version.h>

namespace kestrel {

std::vector<std::pair<std::string, std::string>> libraryVersions() {
    return {
        {"Kestrel", kestrelVersion()},
        {"LibTorch", TORCH_VERSION},
        {"OpenCV", CV_VERSION},
        {"SQLite", sqlite3_libversion()},
    };
}

} // namespace kestrel
