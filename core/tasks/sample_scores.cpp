#include "tasks/sample_scores.h"

#include <cmath>

namespace kestrel::tasks {

SampleScores verdictScores(float ng, std::int64_t label, float threshold) {
    SampleScores score;
    score.truth = label;
    score.probabilities = {1.0F - ng, ng};
    score.predicted = ng >= threshold ? 1 : 0;
    score.confidence = score.probabilities[static_cast<std::size_t>(score.predicted)];
    score.truthProbability =
        label >= 0 && label < 2 ? score.probabilities[static_cast<std::size_t>(label)] : 0.0F;
    score.margin = std::abs(score.probabilities[1] - score.probabilities[0]);
    return score;
}

} // namespace kestrel::tasks
