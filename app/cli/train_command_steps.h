#pragma once

// The steps of `kestrel-cli train` that its two paths share: one process
// (train_command.cpp) and one rank of a data-parallel run (rank_training.cpp).
#include "runs/training_data.h"
#include "train/train_options.h"
#include "train/training_events.h"
#include "training_settings.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kestrel {
class Project;
}
namespace kestrel::runs {
class TrainingSession;
}

namespace kestrel::cli {

struct TrainCommandOptions : TrainingSettings {
    std::string folder;
    std::optional<std::string> task;
    std::optional<std::string> initWeights;
    std::optional<std::string> weights; // imagenet or scratch; unset: the store's when it has them
    std::optional<std::int64_t> resume;
    // A rank other than 0 (the window's ranks): trains this run, just created (or resumed) by
    // rank 0, with the settings it records.
    std::optional<std::int64_t> joinRun;
    std::optional<std::int64_t> fromRun;
    std::optional<std::string> optimizer;
    std::optional<std::string> schedule;
    std::optional<double> weightDecay;
    std::optional<double> labelSmoothing;
    std::optional<double> clipGrad;
    std::optional<int> ema; // TrainOptions::emaHorizon
    std::optional<std::string> precision;
    std::optional<int> patience;
    std::optional<int> validateEvery; // TrainOptions::validateEvery
    std::optional<std::string> monitor;
    std::optional<int> workers;
    std::optional<int> threads;
    bool classWeights = false;
    bool noClassWeights = false;
    bool syncBatchNorm = false;
    std::optional<std::string> goodClass;
    std::optional<double> targetRecall;
    // --task segmentation only.
    std::vector<std::string> minimumAreas;
    std::optional<double> pixelSize;
    std::optional<int> cropSize;
    std::optional<double> defectCrops;
    std::optional<std::int64_t> wholeImageEpochs;
    // Segmentation: "pad" (TrainOptions::keepImageScale) or "stretch".
    std::optional<std::string> resize;
    // Segmentation: "on" or "off" (TrainOptions::averageMirrors).
    std::optional<std::string> mirrors;
    bool json = false;
    // --task anomaly only.
    std::optional<std::string> method;
    std::optional<std::string> backbone;
    std::optional<double> coreset;
    std::optional<int> neighbours;
    std::optional<int> padimChannels;
    std::vector<int> layers;
    std::optional<std::string> recomputeBatchNorm;
    std::optional<std::int64_t> weightsFromRun;
};

// A run planned from the command line (or a recorded run's settings) and the data it trains
// on, read once.
struct PlannedRun {
    train::TrainOptions options;
    runs::ProjectTrainingData data;
};

// Ended as the user can go on from: completed, or cancelled with its checkpoint.
bool succeeded(const train::TrainingFinished& finished);

// A new run's options from the command line and the project's data.
train::TrainOptions chooseOptions(Project& project, const TrainCommandOptions& given);

// --resume and --join-run take a recorded run's settings: refuses any other given.
void refuseSettingsOfRecordedRun(const TrainCommandOptions& given);

// The run this process trains (alone, or as rank 0 of `worldSize`): resumed, or created;
// as `planned` when given, else as the command line says.
std::unique_ptr<runs::TrainingSession> openSession(Project& project,
                                                   const TrainCommandOptions& given,
                                                   std::optional<PlannedRun> planned,
                                                   int worldSize = 1);

// Trains the session's run to its end, records it, and reports it; the exit status.
int trainSession(Project& project, std::unique_ptr<runs::TrainingSession>& session,
                 const TrainCommandOptions& given);

} // namespace kestrel::cli
