#include "train/run_evaluation.h"

#include "common/error.h"
#include "imaging/batch_loader.h"
#include "models/model_registry.h"
#include "project/project.h"
#include "store/run_repository.h"
#include "train/checkpoint.h"
#include "train/model_input.h"
#include "train/run_params.h"
#include "train/trainer.h"
#include "train/training_data.h"

#include <torch/nn/module.h>

namespace kestrel::train {

RunEvaluation evaluateRun(Project& project, std::int64_t runId, const std::string& split,
                          const std::string& device) {
    if (split != "val" && split != "test") {
        throw Error(ErrorKind::InvalidArgument,
                    "Unknown split \"" + split + "\" to evaluate on; use val or test.");
    }
    store::RunRepository runs(project.database());
    runs.get(runId); // names the run when it does not exist
    RunEvaluation evaluation;
    evaluation.run = runId;
    evaluation.split = split;
    evaluation.options = optionsFromParams(runs.params(runId));
    const TrainOptions& options = evaluation.options;

    const auto checkpoint = Trainer::bestCheckpoint(project.runsFolder() / std::to_string(runId));
    if (!std::filesystem::exists(checkpoint)) {
        throw Error(ErrorKind::NotFound, "Run " + std::to_string(runId) +
                                             " has no best checkpoint yet (" + checkpoint.string() +
                                             " is missing).");
    }
    ProjectTrainingData data = loadTrainingData(project, options.seed);
    const auto& samples = split == "val" ? data.data.validation : data.data.test;
    if (samples.empty()) {
        throw Error(ErrorKind::InvalidArgument, project.folder().string() + " has no " + split +
                                                    " samples to evaluate run " +
                                                    std::to_string(runId) + " on.");
    }
    evaluation.classes = data.data.classes;
    evaluation.device = resolveDevice(device);
    const torch::Device torchDevice(evaluation.device);

    auto model = models::createClassifier(
        {options.model, static_cast<int>(evaluation.classes.size()), options.channels});
    loadCheckpoint(checkpoint, *model, nullptr, false);
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
