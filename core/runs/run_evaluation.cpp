#include "runs/run_evaluation.h"

#include "common/error.h"
#include "loader/batch_loader.h"
#include "models/device.h"
#include "models/model_input.h"
#include "models/model_registry.h"
#include "project/project.h"
#include "runs/run_params.h"
#include "runs/trained_run.h"
#include "runs/training_data.h"
#include "store/run_repository.h"
#include "train/checkpoint.h"
#include "train/trainer.h"
#include "train/training_loaders.h"

#include <torch/nn/module.h>

namespace kestrel::runs {

TrainedRun loadTrainedRun(Project& project, std::int64_t runId) {
    store::RunRepository runs(project.database());
    TrainedRun trained;
    trained.record = runs.get(runId); // names the run when it does not exist
    const auto params = runs.params(runId);
    trained.options = optionsFromParams(params);
    const auto checkpoint =
        train::Trainer::bestCheckpoint(project.runsFolder() / std::to_string(runId));
    if (!std::filesystem::exists(checkpoint)) {
        throw Error(ErrorKind::NotFound, "Run " + std::to_string(runId) +
                                             " has no best checkpoint yet (" + checkpoint.string() +
                                             " is missing).");
    }
    trained.data = loadTrainingData(project, trained.options.seed, sampleIdentityOf(params));
    trained.model = models::createClassifier({trained.options.model,
                                              static_cast<int>(trained.data.data.classes.size()),
                                              trained.options.channels});
    train::loadCheckpoint(checkpoint, *trained.model, nullptr, false);
    trained.model->eval();
    return trained;
}

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
        train::evaluate(*model, batches, input, static_cast<int>(evaluation.classes.size()), split);
    for (const auto& sample : samples) {
        evaluation.samplePaths.push_back(sample.path);
    }
    return evaluation;
}

} // namespace kestrel::runs
