#include "train/run_evaluation.h"

#include "common/error.h"
#include "imaging/batch_loader.h"
#include "models/model_registry.h"
#include "project/project.h"
#include "store/run_repository.h"
#include "train/checkpoint.h"
#include "train/model_input.h"
#include "train/run_params.h"
#include "train/trained_run.h"
#include "train/trainer.h"
#include "train/training_data.h"

#include <torch/nn/module.h>

namespace kestrel::train {

TrainedRun loadTrainedRun(Project& project, std::int64_t runId) {
    store::RunRepository runs(project.database());
    TrainedRun trained;
    trained.record = runs.get(runId); // names the run when it does not exist
    const auto params = runs.params(runId);
    trained.options = optionsFromParams(params);
    const auto checkpoint = Trainer::bestCheckpoint(project.runsFolder() / std::to_string(runId));
    if (!std::filesystem::exists(checkpoint)) {
        throw Error(ErrorKind::NotFound, "Run " + std::to_string(runId) +
                                             " has no best checkpoint yet (" + checkpoint.string() +
                                             " is missing).");
    }
    trained.data = loadTrainingData(project, trained.options.seed, sampleIdentityOf(params));
    trained.model = models::createClassifier({trained.options.model,
                                              static_cast<int>(trained.data.data.classes.size()),
                                              trained.options.channels});
    loadCheckpoint(checkpoint, *trained.model, nullptr, false);
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
    const TrainOptions& options = evaluation.options;
    const auto& samples = split == "val" ? trained.data.data.validation : trained.data.data.test;
    if (samples.empty()) {
        throw Error(ErrorKind::InvalidArgument, project.folder().string() + " has no " + split +
                                                    " samples to evaluate run " +
                                                    std::to_string(runId) + " on.");
    }
    evaluation.classes = trained.data.data.classes;
    evaluation.device = resolveDevice(device);
    const torch::Device torchDevice(evaluation.device);
    auto& model = trained.model;
    model->to(torchDevice);

    imaging::LoaderOptions loader;
    loader.spec.width = options.imageSize;
    loader.spec.height = options.imageSize;
    loader.spec.channels = options.channels;
    loader.batchSize = std::max(options.batchSize, 64);
    loader.workers = options.workers;
    loader.shuffle = false;
    loader.augment = false;
    imaging::BatchLoader batches(samples, loader);
    const ModelInput input(options.mean, options.std, torchDevice, options.channelsLast);
    evaluation.result =
        evaluate(*model, batches, input, static_cast<int>(evaluation.classes.size()), split);
    for (const auto& sample : samples) {
        evaluation.samplePaths.push_back(sample.path);
    }
    return evaluation;
}

} // namespace kestrel::train
