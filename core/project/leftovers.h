#pragma once

#include <filesystem>
#include <vector>

namespace kestrel {

// What a killed export or label audit leaves in a project folder: `.partial` files under
// exports/ and `audit-tmp-*` folders under cache/. Removes those that no running process
// claims (common/path_claim.h) and returns what it removed; what it cannot remove stays
// for the next time. Project::open calls it once per process and folder, so every start of
// the window or the CLI tidies.
std::vector<std::filesystem::path> removeLeftovers(const std::filesystem::path& exportsFolder,
                                                   const std::filesystem::path& cacheFolder);

} // namespace kestrel
