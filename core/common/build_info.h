#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kestrel {

// Versions of Kestrel and the libraries it runs on, as (name, version) pairs, for
// `kestrel-cli --version`, the About box and run records.
std::vector<std::pair<std::string, std::string>> libraryVersions();

} // namespace kestrel
