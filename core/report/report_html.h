#pragma once

#include "report/report_image.h"
#include "report/run_report.h"

#include <functional>
#include <string>

namespace kestrel::report {

// What an <img> points at for a report image: a data: URI for a self-contained file
// (dataUri), or a resource name the caller registers (the GUI's QTextDocument).
using ImageSource = std::function<std::string(const ReportImage&)>;

// The report as one HTML5 document that is also well-formed XML (every element closed, all
// user text escaped), styled with one <style> block in the subset Qt's rich text honours:
// tables, font sizes, colours, borders. Sections: Summary, Training curves, Confusion
// matrix, Per-class metrics, Most confident mistakes, Parameters, Dataset, Environment.
std::string renderReportHtml(const RunReport& report, const ImageSource& imageSource);

// "data:image/png;base64,..." for `image`.
std::string dataUri(const ReportImage& image);

} // namespace kestrel::report
