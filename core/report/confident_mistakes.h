#pragma once

#include "report/run_report.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::report {

struct MistakeSelection {
    std::vector<ConfidentMistake> mistakes; // most confident first
    std::string source;                     // where they were chosen from, in words
};

// The run's wrong predictions with the highest confidence, at most `options.mistakes`, each
// with its sample's path and a thumbnail. Read from every sample's predictions by the run's
// best checkpoint (review) when the run has them, held-out splits before train; else from
// the latest validation epoch's predictions. Class indices are named through `classes`.
// For an anomaly run (`anomalyScores`: confidence is the score, 0.5 the threshold) the
// surest mistakes are the scores farthest from the threshold on the wrong side.
MistakeSelection confidentMistakes(Project& project, std::int64_t run,
                                   const std::vector<std::string>& classes, bool anomalyScores,
                                   const ReportOptions& options);

} // namespace kestrel::report
