#pragma once

#include <string>

namespace kestrel::report {

// A PNG the report shows. `name` is stable for the report (e.g. "loss.png", "mistake-3.png"),
// so a renderer can use it as a resource URL or a file name.
struct ReportImage {
    std::string name;
    std::string png; // the file's bytes
    int width = 0;   // pixels
    int height = 0;
};

} // namespace kestrel::report
