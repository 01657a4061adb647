#pragma once

#include "tasks/evaluation.h"
#include "train/train_options.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::runs {

struct RunEvaluation {
    std::int64_t run = 0;
    std::string split;
    std::vector<std::string> classes;
    std::string device;
    train::TrainOptions options; // the run's own
    tasks::EvaluationResult result;
    std::vector<std::string> samplePaths; // what result.predictions[i].sample refers to
};

// Rebuilds run `runId`'s model from its parameters and best checkpoint and evaluates it on
// `split` ("val" or "test"; "val" is the held-out part of train when the project has no
// validation split) on `device` ("auto", "cpu", "cuda").
// Throws kestrel::Error when the run, its checkpoint or the split's samples are missing.
RunEvaluation evaluateRun(Project& project, std::int64_t runId, const std::string& split,
                          const std::string& device = "auto");

} // namespace kestrel::runs
