#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kestrel::review {

// What confident learning makes of one sample's out-of-fold probabilities.
struct LabelIssue {
    std::size_t index = 0; // into the probabilities given
    std::int64_t given = 0;
    std::int64_t suggested = 0; // == given when the sample is not flagged
    float givenProbability = 0;
    float suggestedProbability = 0;
    // Higher: more likely mislabelled. Flagged samples score p(suggested) - p(given), in
    // (-1, 1]; the others score -1 - p(given), below every flagged one, so that sorting by
    // score alone (as the store does) gives the ranking.
    float score = 0;
    bool flagged = false; // an off-diagonal entry of the confident joint
};

// Confident learning (Northcutt et al., 2021; cleanlab's find_label_issues with per-class
// thresholds). Class j's threshold t_j is the mean p_j over the samples given label j. A
// sample's suggested class is the most probable of the classes whose p_j reaches t_j (or the
// most probable of all, when none does); it is flagged when that is not its given label.
// Returns the samples ranked: flagged ones by score, highest first, then the rest by p(given),
// lowest first; ties by index. Samples with empty probabilities (unreadable) are left out.
// Throws kestrel::Error (InvalidArgument) when the sizes disagree or a label is out of range.
std::vector<LabelIssue> rankLabelIssues(const std::vector<std::vector<float>>& probabilities,
                                        const std::vector<std::int64_t>& given, int classes);

} // namespace kestrel::review
