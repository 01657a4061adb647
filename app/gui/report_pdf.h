#pragma once

#include "report/run_report.h"

#include <QString>

namespace kestrel::app {

// Prints `report` to `file` as an A4 PDF: the same HTML the CLI writes (report_html.h),
// laid out by QTextDocument with the report's PNGs registered as its image resources (Qt's
// rich text does not read data: URIs). The file is written atomically (QSaveFile): it holds
// either its old content or the whole new PDF. Throws kestrel::Error (Io) naming the file.
void writeReportPdf(const report::RunReport& report, const QString& file);

} // namespace kestrel::app
