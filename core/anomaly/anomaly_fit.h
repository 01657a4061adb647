#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <ATen/core/Tensor.h>

namespace kestrel::models {
class ResNet;
}

namespace kestrel::anomaly {

class AnomalyModel;

// The next batch of normalised good images on the model's device, or nullopt at the end.
// Fitting reads the training images once (twice with batch-norm recomputation).
using BatchSource = std::function<std::optional<at::Tensor>()>;

struct FitProgress {
    std::string stage; // "batch norm", "features", "coreset", "gaussians"
    std::int64_t done = 0;
    std::int64_t total = 0;
};
using FitProgressCallback = std::function<void(const FitProgress&)>;

// Thrown when `stop` is set while fitting; nothing of the model has changed that matters
// (a cancelled fit is thrown away).
struct FitCancelled {};

// Re-estimates every batch norm's running mean and variance up to layer`lastStage` as the
// plain average over `batches` (momentum None), in train mode without gradients, then
// returns the backbone to eval mode. A random network's statistics say nothing about these
// images; the good images' own make its features comparable.
void recomputeBatchNormStatistics(models::ResNet& backbone, int lastStage,
                                  const BatchSource& batches, std::int64_t totalBatches,
                                  const FitProgressCallback& progress,
                                  const std::atomic<bool>* stop = nullptr);

// Fits the model's PatchCore memory bank or PaDiM Gaussians on the good images.
void fitAnomalyModel(AnomalyModel& model, const BatchSource& batches, std::int64_t totalBatches,
                     const FitProgressCallback& progress, const std::atomic<bool>* stop = nullptr);

} // namespace kestrel::anomaly
