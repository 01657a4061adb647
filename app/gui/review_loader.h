#pragma once

#include "sample_review.h"

#include <cstdint>
#include <memory>
#include <optional>

namespace kestrel {
class Project;
}

namespace kestrel::app {

// What the browser reviews, read from the project: run `runId`'s predictions for every sample
// (the newest run that has them when none is given) and the newest completed label audit's
// likely errors, ranked. Null when the project has neither. Reads only; call it on the
// project thread.
std::shared_ptr<widgets::SampleReview> loadSampleReview(Project& project,
                                                        std::optional<std::int64_t> runId = {});

} // namespace kestrel::app
