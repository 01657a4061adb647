#pragma once

#include <cstdint>
#include <vector>

namespace kestrel::widgets {

// One validation or test image of an anomaly-detection run: its normalised score and its truth.
struct AnomalyScoredSample {
    std::int64_t sampleId = 0;
    float score = 0;     // normalised: 0.5 is the run's threshold
    bool defect = false; // the truth, not the verdict
};

// A run's normalised anomaly scores (0.5: the run's threshold) per split, for the histogram.
// Plain values, no run or model; registered for queued signals where the app wires it, as the
// other value types are (app/gui).
struct AnomalyScoreData {
    std::int64_t runId = 0;
    std::vector<AnomalyScoredSample> validation, test;
    bool isEmpty() const { return validation.empty() && test.empty(); }
};

} // namespace kestrel::widgets
