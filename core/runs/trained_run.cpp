#include "runs/trained_run.h"

#include "common/error.h"
#include "imaging/image_spec.h"
#include "inspection/area_verdict.h"
#include "models/classifier.h"
#include "models/model_registry.h"
#include "project/project.h"
#include "runs/run_params.h"
#include "store/run_repository.h"
#include "tasks/detection_task.h"
#include "tasks/task.h"
#include "train/checkpoint.h"
#include "train/trainer.h"
#include "train/training_loaders.h"

namespace kestrel::runs {

TrainedRun loadTrainedRun(Project& project, std::int64_t runId) {
    store::RunRepository runs(project.database());
    TrainedRun trained;
    trained.record = runs.get(runId); // names the run when it does not exist
    const auto params = runs.params(runId);
    trained.options = optionsFromParams(params);
    if (params.count(kOperatingThresholdParam) && params.count(kOperatingGoodClassParam)) {
        const auto number = [&](const char* name) {
            try {
                return std::stod(params.at(name));
            } catch (const std::exception&) {
                throw Error(ErrorKind::Corrupt, "Run " + std::to_string(runId) + "'s \"" + name +
                                                    "\" parameter is not a number.");
            }
        };
        trained.goodClass = params.at(kOperatingGoodClassParam);
        trained.ngThreshold = number(kOperatingThresholdParam);
        trained.targetDefectRecall =
            params.count(kOperatingTargetParam) ? number(kOperatingTargetParam) : 0.0;
    }
    const auto checkpoint =
        train::Trainer::bestCheckpoint(project.runsFolder() / std::to_string(runId));
    if (!std::filesystem::exists(checkpoint)) {
        throw Error(ErrorKind::NotFound, "Run " + std::to_string(runId) +
                                             " has no best checkpoint yet (" + checkpoint.string() +
                                             " is missing).");
    }
    trained.data = loadTrainingData(project, trained.options.task, trained.options.seed,
                                    sampleIdentityOf(params));
    trained.model = tasks::taskFor(trained.options.task)
                        .createModel(train::modelSpec(
                            trained.options, static_cast<int>(trained.data.data.classes.size())));
    train::loadCheckpoint(checkpoint, *trained.model, nullptr, false);
    trained.model->eval();
    return trained;
}

infer::ModelMetadata modelMetadata(const TrainedRun& run) {
    infer::ModelMetadata metadata;
    metadata.classes = run.data.data.classes;
    metadata.width = run.options.imageSize;
    metadata.height = run.options.imageSize;
    metadata.channels = run.options.channels;
    metadata.color = run.options.channels == 1 ? "gray" : "rgb";
    // What the loader does for training and evaluation (train/training_loaders.h).
    metadata.resize = imaging::resizeName(train::inputResize(run.options));
    metadata.mean = run.options.mean;
    metadata.std = run.options.std;
    metadata.task = run.options.task;
    metadata.output = tasks::taskFor(run.options.task).exportHead().outputName;
    metadata.model = run.options.model;
    metadata.run = run.record.id;
    metadata.datasetVersion = run.record.datasetVersion.value_or(run.data.datasetVersion);
    metadata.goodClass = run.goodClass;
    metadata.ngThreshold = run.ngThreshold;
    metadata.targetDefectRecall = run.targetDefectRecall;
    if (run.options.task == TaskKind::Segmentation) {
        const auto rule = inspection::areaRule(metadata.classes, run.options.minimumAreas,
                                               run.options.pixelSizeMm);
        const bool mirrored =
            train::modelSpec(run.options, static_cast<int>(metadata.classes.size())).averageMirrors;
        metadata.segmentation = infer::ModelMetadata::Segmentation{
            rule.minimumPixels, rule.pixelSizeMm, models::passesPerImage(mirrored)};
    }
    if (run.options.task == TaskKind::Detection) {
        infer::ModelMetadata::Detection detection;
        detection.strides = tasks::detectorStrides();
        const inspection::DetectionDecoding& decoding = tasks::kEvaluationDecoding;
        detection.scoreThreshold = decoding.scoreThreshold;
        detection.lineScore = tasks::kLineScore;
        detection.nmsIou = decoding.nmsIou;
        detection.candidatesPerLevel = decoding.candidatesPerLevel;
        detection.maxDetections = decoding.maxDetections;
        metadata.detection = detection;
    }
    return metadata;
}

} // namespace kestrel::runs
