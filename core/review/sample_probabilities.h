#pragma once

#include "loader/loader_options.h"
#include "tasks/sample_scores.h"
#include "train/train_options.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kestrel::models {
class Classifier;
}

namespace kestrel::review {

// Runs `model` in eval mode, without gradients or augmentation, over `samples` decoded as the
// run `options` describe, and scores each as the run's task does (tasks::Task::sampleScores), on
// `device` ("cpu", "cuda:N"). Returns one entry per sample, in order; a sample that cannot be read
// gets an empty `probabilities`. `stop`, when set, ends the pass early (the rest stay empty too).
// `scored`, when given, hears after each batch how many samples have been scored so far.
std::vector<tasks::SampleScores>
scoreSamples(models::Classifier& model, const std::vector<loader::LoaderSample>& samples,
             const train::TrainOptions& options, const std::string& device,
             const std::atomic<bool>* stop = nullptr,
             const std::function<void(std::size_t scored)>& scored = {});

} // namespace kestrel::review
