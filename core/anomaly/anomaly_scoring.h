#pragma once

// Scoring a split's images with a fitted anomaly model and measuring the result: what a fit
// does for validation and test, and `eval` again from the saved model.

#include "anomaly/anomaly_fit.h"
#include "anomaly/anomaly_model.h"
#include "loader/batch_loader.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace kestrel {
class Project;
}

namespace kestrel::anomaly {

// How a fit and its scoring read images: the model's size, in order, unaugmented.
loader::LoaderOptions loaderOptions(const AnomalyOptions& options);

// Masks by sample id, at the model's size (true: defect). Throws kestrel::Error (Io) naming
// a mask that cannot be read.
std::map<std::int64_t, cv::Mat>
loadMasks(Project& project, const std::vector<loader::LoaderSample>& samples, int size);

// Raw scores and maps of a split's images, in the samples' order.
struct Scored {
    std::vector<float> scores; // raw
    std::vector<std::uint8_t> defect;
    std::vector<std::int64_t> sampleIds;
    std::vector<cv::Mat> maps; // raw, CV_32F
};

// Scores `samples` (a defect is any class but `goodClass`), reporting `stage` per batch.
// Throws FitCancelled when `stop` is set, kestrel::Error (Io) for an unreadable image.
Scored scoreSamples(AnomalyModel& model, const std::vector<loader::LoaderSample>& samples,
                    std::size_t goodClass, const std::atomic<bool>* stop,
                    const FitProgressCallback& progress, const char* stage);

// `split`_image_auroc, _f1, _escape_rate, _false_reject_rate, _accuracy, and with masks
// _pixel_auroc and _pro, at `threshold`.
std::map<std::string, double> splitMetrics(const Scored& scored,
                                           const std::map<std::int64_t, cv::Mat>& masks,
                                           double threshold, const std::string& split);

// The threshold: best F1 on validation, or the lowest that catches `targetDefectRecall` of
// its defects (0: best F1).
double chooseThreshold(const Scored& validation, double targetDefectRecall);
// anomalib's min-max normalisation over validation, its top raised to at least 2t - min.
ScoreNormalisation normalisationFor(const Scored& validation, double threshold);

} // namespace kestrel::anomaly
