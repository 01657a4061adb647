#pragma once

#include "export/run_export.h"

namespace kestrel::exporting {

// exportRun for an anomaly-detection run: each format written, verified in its own runtime
// against the fitted model (maps within `request.tolerance` of the raw threshold, scores
// within 100 times it, equal verdicts) on validation and test images, then kept with its card and
// artifact row. Throws kestrel::Error as exportRun does.
std::vector<ExportedFile> exportAnomalyRun(Project& project, const ExportRequest& request);

} // namespace kestrel::exporting
