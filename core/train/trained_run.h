#pragma once

#include "models/classifier.h"
#include "store/run_repository.h"
#include "train/train_options.h"
#include "train/training_data.h"

#include <cstdint>

namespace kestrel {
class Project;
}

namespace kestrel::train {

// A finished (or stopped) run brought back: its record, options, the project's samples as the
// run split them, and its model with the best checkpoint's weights, on the CPU in eval mode.
struct TrainedRun {
    store::RunRecord record;
    TrainOptions options;
    ProjectTrainingData data;
    models::ClassifierPtr model;
};

// Throws kestrel::Error when the run or its best checkpoint is missing.
TrainedRun loadTrainedRun(Project& project, std::int64_t runId);

} // namespace kestrel::train
