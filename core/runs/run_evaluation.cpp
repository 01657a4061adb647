#include "runs/run_evaluation.h"

#include "common/error.h"
#include "loader/batch_loader.h"
#include "models/classifier.h"
#include "models/device.h"
#include "models/model_input.h"
#include "project/project.h"
#include "runs/trained_run.h"
#include "runs/training_data.h"
#include "tasks/task.h"
#include "train/training_loaders.h"

#include <torch/nn/module.h>

namespace kestrel::runs {

RunEvaluation evaluateRun(Project& project, std::int64_t runId, const std::string& split,
                          const std::string& device) {
    if (split != "val" && split != "test") {
        throw Error(ErrorKind::InvalidArgument,
                    "Unknown split \"" + split + "\" to evaluate on; use val or test.");
    }
    TrainedRun trained = loadTrainedRun(project, runId);
    RunEvaluation evaluation;
    evaluation.run = runId;
    evaluation.split = split;
    evaluation.options = trained.options;
    const train::TrainOptions& options = evaluation.options;
    const auto& samples = split == "val" ? trained.data.data.validation : trained.data.data.test;
    if (samples.empty()) {
        throw Error(ErrorKind::InvalidArgument, project.folder().string() + " has no " + split +
                                                    " samples to evaluate run " +
                                                    std::to_string(runId) + " on.");
    }
    evaluation.classes = trained.data.data.classes;
    evaluation.device = models::resolveDevice(device);
    const torch::Device torchDevice(evaluation.device);
    auto& model = trained.model;
    model->to(torchDevice);

    loader::BatchLoader batches(samples, train::evaluationLoaderOptions(options, 64));
    const models::ModelInput input(options.mean, options.std, torchDevice, options.channelsLast);
    evaluation.result =
        tasks::taskFor(options.task)
            .evaluate(*model, batches, input, static_cast<int>(evaluation.classes.size()), split);
    for (const auto& sample : samples) {
        evaluation.samplePaths.push_back(sample.path);
    }
    return evaluation;
}

} // namespace kestrel::runs
