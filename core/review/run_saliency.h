#pragma once

#include "infer/detection_predictor.h"
#include "infer/saliency.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::review {

// A trained run's model with its best weights, loaded once, explaining images with
// Grad-CAM as the run decoded them for training (a segmentation run: with its predicted
// defect probability); or an anomaly-detection run's fitted model, explaining images with
// its anomaly map. Holds no reference to the project, so the project
// may be closed once it is built. Not thread-safe: one thread at a time.
class RunSaliency {
public:
    // Reads the run's parameters, its classes and best.pt (runs::loadTrainedRun), or an
    // anomaly run's fitted model (anomaly::loadAnomalyRun): throws kestrel::Error when the
    // run or its model file is missing.
    RunSaliency(Project& project, std::int64_t runId);
    ~RunSaliency();
    RunSaliency(RunSaliency&&) noexcept;
    RunSaliency& operator=(RunSaliency&&) noexcept;

    // infer::saliencyForImage() with this run's model and metadata. For an anomaly run:
    // the normalised anomaly map (0.5 is the threshold, clamped to 0-1) as the heat, the
    // verdict as `predicted` (0 good, 1 defect), the normalised score as `confidence`, and
    // `targetClass` ignored. For a segmentation run: 1 - P(background) as the heat (bilinear
    // to the file's size), the verdict by the run's minimum areas as `predicted` (0 OK, 1 NG),
    // each class's share of the file's pixels by argmax as `probabilities` (by class index,
    // background first), the largest defect class's share as `confidence` and its index as
    // `target` (0 when no pixel is a defect); `targetClass` ignored.
    infer::Saliency explain(const std::filesystem::path& image,
                            std::optional<std::int64_t> targetClass = std::nullopt);

    // A detection run's boxes for the image, in its file's pixels, from `minScore` up
    // (infer::detectInImage). Throws kestrel::Error for a run of another task.
    infer::DetectionPrediction detect(const std::filesystem::path& image, double minScore);

    std::int64_t runId() const;
    bool isAnomaly() const;
    bool isSegmentation() const;
    bool isDetection() const;
    // A detection run's line score: a part is NG from a box scoring this; 0 for other runs.
    double lineScore() const;
    // By class index; good, defect (anomaly); background then the defect classes
    // (segmentation).
    const std::vector<std::string>& classes() const;

private:
    struct Loaded;
    std::unique_ptr<Loaded> loaded_;
};

} // namespace kestrel::review
