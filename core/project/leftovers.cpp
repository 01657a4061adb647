#include "project/leftovers.h"

#include "common/path_claim.h"

#include <string>
#include <string_view>
#include <system_error>

namespace kestrel {

namespace {

bool endsWith(std::string_view text, std::string_view tail) {
    return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

} // namespace

std::vector<std::filesystem::path> removeLeftovers(const std::filesystem::path& exportsFolder,
                                                   const std::filesystem::path& cacheFolder) {
    namespace fs = std::filesystem;
    std::vector<fs::path> candidates;
    std::error_code ec;
    // Exports may go to subfolders (a --output under exports/); a folder that vanishes while
    // it is walked ends the walk quietly.
    for (fs::recursive_directory_iterator it(exportsFolder, ec), end; !ec && it != end;
         it.increment(ec)) {
        if (it->is_regular_file(ec) && endsWith(it->path().filename().string(), ".partial")) {
            candidates.push_back(it->path());
        }
    }
    ec.clear();
    for (fs::directory_iterator it(cacheFolder, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_directory(ec) && it->path().filename().string().rfind("audit-tmp-", 0) == 0) {
            candidates.push_back(it->path());
        }
    }
    std::vector<fs::path> removed;
    for (const auto& path : candidates) {
        if (PathClaim::removeIfUnclaimed(path)) {
            removed.push_back(path);
        }
    }
    return removed;
}

} // namespace kestrel
