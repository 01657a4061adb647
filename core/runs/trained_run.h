#pragma once

#include "infer/model_metadata.h"
#include "models/classifier.h"
#include "runs/training_data.h"
#include "store/run_repository.h"
#include "train/train_options.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kestrel {
class Project;
}

namespace kestrel::runs {

// A finished (or stopped) run brought back: its record, options, the project's samples as the
// run split them, and its model with the best checkpoint's weights, on the CPU in eval mode.
struct TrainedRun {
    store::RunRecord record;
    train::TrainOptions options;
    ProjectTrainingData data;
    models::ClassifierPtr model;
    // The operating point recorded after training or moved in the window, if any.
    std::string goodClass;
    std::optional<double> ngThreshold;
    double targetDefectRecall = 0;
};

// Throws kestrel::Error when the run or its best checkpoint is missing.
TrainedRun loadTrainedRun(Project& project, std::int64_t runId);

// What the run's model takes and says (classes, input size and colour, resize policy,
// normalisation, architecture, run, dataset version): the preprocessing contract that
// exports carry and that saliency and prediction follow. The version and creation time are
// the exporter's to fill.
infer::ModelMetadata modelMetadata(const TrainedRun& run);

} // namespace kestrel::runs
