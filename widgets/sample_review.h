#pragma once

#include <cstdint>
#include <unordered_map>

#include <QString>

namespace kestrel::widgets {

// What a run's model and a label audit said about one sample.
struct ReviewedSample {
    QString predicted;     // the run's class; empty when the run did not see the sample
    float confidence = -1; // probability of `predicted`; < 0: no prediction
    float loss = 0;    // cross-entropy of the label the run trained with (segmentation: 1 - IoU)
    float margin = 0;  // top probability minus the runner-up's
    QString suggested; // the audit's class when it flags the sample as mislabelled
    float suggestedProbability = 0;
    int auditRank = 0; // 1: the likeliest label error; 0: not flagged
    // Segmentation: the verdict of the regions drawn when the run scored the sample ("OK" or
    // "NG"); its samples need no label. Empty for other tasks.
    QString truthVerdict;
};

// The review the browser shows: the latest (or a chosen) run's predictions for every
// sample and the latest label audit's likely errors. Whether a sample is misclassified is
// decided against its label now, so relabelling shows at once.
struct SampleReview {
    std::int64_t runId = 0; // the run whose predictions these are; 0: none
    QString runTitle;       // e.g. "run #3"; empty without a run
    // An anomaly-detection run: `predicted` is "good" or "defect", `confidence` the
    // normalised anomaly score (a defect from 0.5), and a prediction is wrong when it
    // disagrees with whether the label is `goodClass`.
    bool anomaly = false;
    // A segmentation run: `predicted` is the part's verdict by its defects' area, "OK" or
    // "NG", `confidence` that verdict's probability, and a prediction is wrong when NG
    // disagrees with whether the label is a defect class (not `goodClass`).
    bool segmentation = false;
    // A detection run: `predicted` is the part's verdict, "NG" when a box scores the line's
    // score, judged as a segmentation run's verdicts are; its loss is 1 - the verdict's
    // probability.
    bool detection = false;
    QString goodClass;

    // The predictions are parts' verdicts, "OK" or "NG", rather than classes.
    bool judgesVerdicts() const { return segmentation || detection; }
    QString auditTitle; // e.g. "label audit #2"; empty without an audit
    std::unordered_map<std::int64_t, ReviewedSample> samples;

    const ReviewedSample* find(std::int64_t sampleId) const {
        const auto found = samples.find(sampleId);
        return found == samples.end() ? nullptr : &found->second;
    }
};

// Below this the browser's "Low confidence" filter lists a prediction.
constexpr float kLowConfidence = 0.6f;
// An anomaly score this close to the threshold (0.5) is "low confidence" too.
constexpr float kNearAnomalyThreshold = 0.1f;

} // namespace kestrel::widgets
