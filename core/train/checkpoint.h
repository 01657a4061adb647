#pragma once

#include "train/loss_scaler.h"
#include "train/torch_forward.h"

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kestrel::train {

// Where a run stands after an epoch: enough, with the model and optimizer, to continue it
// exactly where it stopped.
struct CheckpointProgress {
    std::int64_t epochsDone = 0; // completed epochs
    std::int64_t step = 0;       // optimizer steps taken (the schedule's position)
    LossScaler::State lossScale;
    double bestMetric = 0;
    std::int64_t bestEpoch = -1;  // -1: no validation yet
    std::int64_t staleEpochs = 0; // epochs since the best, for early stopping
    double bestLoss = INFINITY;   // validation loss of the best epoch, to break ties
};

class WeightAverage;

// Writes model, optimizer, progress and the CPU (and CUDA) random generators' state to
// `file` atomically: a temp file, fsynced, renamed over the old one. A process killed while
// saving leaves the previous checkpoint intact. With a weight average in use, "model" is the
// average (what evaluation, export and prediction load) and "trained_model" the weights
// training continues from.
// Throws kestrel::Error (Io) naming the file.
void saveCheckpoint(const std::filesystem::path& file, torch::nn::Module& model,
                    torch::optim::Optimizer* optimizer, const CheckpointProgress& progress,
                    WeightAverage* average = nullptr);

// Restores what saveCheckpoint wrote; the optimizer may be null (evaluation only) and the
// random generators are restored only when `restoreRandomState` is set. With `average`, the
// saved model becomes the average and the model takes the trained weights (the saved model
// again when the checkpoint has none, e.g. from a run without an average).
// Throws kestrel::Error (NotFound, Corrupt) naming the file.
CheckpointProgress loadCheckpoint(const std::filesystem::path& file, torch::nn::Module& model,
                                  torch::optim::Optimizer* optimizer, bool restoreRandomState,
                                  WeightAverage* average = nullptr);

// Starts `model` from another run's checkpoint: copies every parameter and buffer whose name
// and shape match, except those under `freshPrefix` (when not empty), which keep their
// initial values. Returns the names left as they were. Throws kestrel::Error (NotFound,
// Corrupt) naming the file, and (InvalidArgument) when nothing in it fits the model.
std::vector<std::string> loadMatchingWeights(const std::filesystem::path& file,
                                             torch::nn::Module& model,
                                             const std::string& freshPrefix);

} // namespace kestrel::train
