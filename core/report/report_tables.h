#pragma once

#include "report/run_report.h"

#include <string>
#include <utility>
#include <vector>

namespace kestrel::report {

// The report's tables, appended to `html`. Helpers of renderReportHtml (report_html.h).

// Every table's spacing as attributes: Qt's rich text ignores CSS padding on cells.
inline const std::string kTableSpacing = "cellpadding=\"4\" cellspacing=\"0\"";

// A two-column table of (name, value) rows; both are HTML already (escaped by the caller).
void keyValueTable(std::string& html, const std::string& id,
                   const std::vector<std::pair<std::string, std::string>>& rows);

// The validation (and test) confusion matrices: rows are the true class, cells shaded by the
// row-normalised count (bgcolor for Qt, style for browsers), counts as text.
void confusionSection(std::string& html, const RunReport& report);

// Precision, recall, F1 and support per class, one table per split.
void classMetricsSection(std::string& html, const RunReport& report);
// An anomaly run's figures on validation and test, in place of curves and per-class metrics.
void anomalyFiguresSection(std::string& html, const RunReport& report);

} // namespace kestrel::report
