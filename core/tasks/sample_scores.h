#pragma once

#include <cstdint>
#include <vector>

namespace kestrel::tasks {

// What one model says about one sample, with the figures review sorts by: a task's review
// data (`sample_predictions` rows). An unreadable sample has empty `probabilities`.
struct SampleScores {
    std::int64_t truth = 0;
    std::int64_t predicted = 0;
    float confidence = 0;       // probability of `predicted`
    float truthProbability = 0; // probability of the given label
    float margin = 0;           // top probability minus the runner-up's
    float loss = 0; // cross-entropy of the given label: -log p(truth); segmentation: 1 - IoU
    std::vector<float> probabilities;
};

// A region task's per-image scores against the truth's verdict `label` (0 OK, 1 NG): the
// probabilities {1 - ng, ng}, NG predicted from `threshold` up; `loss` is left to the task.
SampleScores verdictScores(float ng, std::int64_t label, float threshold);

} // namespace kestrel::tasks
