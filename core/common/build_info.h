#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kestrel {

// Versions of Kestrel and the libraries it runs on, as (name, version) pairs, for
// `kestrel-cli --version`, the About box and run records.
std::vector<std::pair<std::string, std::string>> libraryVersions();
// The same on one line, for logs: "Kestrel 0.1.0, LibTorch 1.13.0, OpenCV 4.6.0, ...".
std::string libraryVersionsLine();

} // namespace kestrel
