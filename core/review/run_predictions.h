#pragma once

#include "review/run_operating_point.h"

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>

namespace kestrel::runs {
class RunStoreWriter;
class TrainingSession;
} // namespace kestrel::runs

namespace kestrel::review {

// How recordRunPredictions is watched and stopped.
struct ReviewScoring {
    // Set (Stop, Ctrl-C): the scoring ends at the next batch. Nothing of it is kept, since a
    // review of some images would rank them as if they were all; `review_error` says so.
    const std::atomic<bool>* stop = nullptr;
    // After each batch: samples scored so far, of every split's together.
    std::function<void(std::size_t scored, std::size_t total)> progress;
};

// Every train, val and test sample of a completed run scored by its best checkpoint
// (probabilities, confidence, margin, loss), posted to `writer` as the run's
// sample_predictions. The step after training that review needs; callers run it when
// session.run() came back Completed. Best effort: a failure is recorded as the run's
// `review_error` parameter and does not fail a run that trained. Returns after posting;
// the writer writes in its own time.
// When the run has a good class (train::TrainOptions::goodClass, or one named good/ok/...),
// also chooses its operating point on the validation scores, posts it as the run's parameters
// and metrics (run_operating_point.h) and returns it.
std::optional<RunOperatingPoint> recordRunPredictions(const runs::TrainingSession& session,
                                                      runs::RunStoreWriter& writer,
                                                      const ReviewScoring& scoring = {});

// The sentence recordRunPredictions records as `review_error` when it was stopped.
extern const char* const kReviewScoringStopped;

} // namespace kestrel::review
