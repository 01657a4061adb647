#pragma once

#include "train/training_events.h"

#include <atomic>
#include <cstdint>
#include <vector>

namespace kestrel::loader {
class BatchLoader;
}

namespace kestrel::models {
class Classifier;
class ModelInput;
} // namespace kestrel::models

namespace kestrel::train {

// What the model said about one sample.
struct Prediction {
    std::size_t sample = 0; // index into the loader's samples
    std::int64_t truth = 0;
    std::int64_t predicted = 0;
    float confidence = 0; // softmax probability of `predicted`
};

struct EvaluationResult {
    Evaluation evaluation;
    std::vector<Prediction> predictions; // in sample order
};

// Runs `model` in eval mode without gradients over one pass of `loader` (which must not
// augment) and measures plain cross-entropy loss, the confusion matrix and, for two classes,
// ROC AUC with class 1 as positive. `stop`, when given and set, ends the pass early.
EvaluationResult evaluate(models::Classifier& model, loader::BatchLoader& loader,
                          const models::ModelInput& input, int classes, const std::string& split,
                          const std::atomic<bool>* stop = nullptr);

// The named figures of an evaluation for the store: <prefix>loss, <prefix>accuracy,
// <prefix>macro_f1, <prefix>precision/<class>, recall/<class>, f1/<class>, <prefix>roc_auc.
std::map<std::string, double> evaluationMetrics(const Evaluation& evaluation,
                                                const std::vector<std::string>& classes,
                                                const std::string& prefix);

} // namespace kestrel::train
