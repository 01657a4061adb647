#pragma once

#include "loader/loader_options.h"
#include "train/train_options.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace kestrel::models {
class Classifier;
}

namespace kestrel::review {

// What one model says about one sample, with the figures review sorts by.
struct SampleScores {
    std::int64_t truth = 0;
    std::int64_t predicted = 0;
    float confidence = 0;       // probability of `predicted`
    float truthProbability = 0; // probability of the given label
    float margin = 0;           // top probability minus the runner-up's
    float loss = 0;             // cross-entropy of the given label: -log p(truth)
    std::vector<float> probabilities;
};

// Runs `model` in eval mode, without gradients or augmentation, over `samples` decoded as the
// run `options` describe, on `device` ("cpu", "cuda:N"). Returns one entry per sample, in
// order; a sample that cannot be read gets an empty `probabilities`. `stop`, when set, ends
// the pass early (the rest stay empty too).
std::vector<SampleScores> scoreSamples(models::Classifier& model,
                                       const std::vector<loader::LoaderSample>& samples,
                                       const train::TrainOptions& options,
                                       const std::string& device,
                                       const std::atomic<bool>* stop = nullptr);

} // namespace kestrel::review
