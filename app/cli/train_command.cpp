#include "anomaly_training.h"
#include "cancel_on_interrupt.h"
#include "command.h"
#include "common/error.h"
#include "common/task_kind.h"
#include "distributed/launch_environment.h"
#include "inspection/area_verdict.h"
#include "json_output.h"
#include "models/architectures.h"
#include "models/device.h"
#include "project/project.h"
#include "rank_training.h"
#include "review/run_predictions.h"
#include "runs/detection_data.h"
#include "runs/run_lock.h"
#include "runs/run_params.h"
#include "runs/run_store_writer.h"
#include "runs/segmentation_data.h"
#include "runs/training_session.h"
#include "store/run_repository.h"
#include "train/default_settings.h"
#include "train/detection_defaults.h"
#include "train/segmentation_defaults.h"
#include "train/trainer.h"
#include "train_command_steps.h"
#include "training_progress_printer.h"
#include "training_settings.h"
#include "weights/torchvision_files.h"
#include "weights/weights_store.h"

#include <atomic>
#include <csignal>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace kestrel::cli {

namespace {

// Where the model starts: the weights store's ImageNet weights when asked for, or by default
// when the store has them for the chosen architecture (and the run starts from nothing else).
void chooseStartingWeights(const TrainCommandOptions& given, train::TrainOptions& options) {
    if (given.weights && *given.weights != "imagenet" && *given.weights != "scratch") {
        throw Error(ErrorKind::InvalidArgument,
                    "--weights is \"" + *given.weights + "\"; it takes imagenet or scratch.");
    }
    if (given.initWeights || given.fromRun || given.weights == "scratch") {
        return;
    }
    const weights::WeightsStore store(weights::WeightsStore::defaultFolder());
    // A detector's backbone starts from its classifier's weights (fcos_resnet18: resnet18's).
    const std::string pretrained = models::pretrainedWeightsName(options.model);
    const auto stored = store.find(pretrained);
    if (given.weights == "imagenet") {
        if (!weights::torchvisionFileName(pretrained)) {
            const std::string example = options.task == TaskKind::Detection ? "fcos_resnet18"
                                        : options.task == TaskKind::Segmentation
                                            ? "lraspp_mobilenet_v3_large"
                                            : "resnet18";
            throw Error(ErrorKind::InvalidArgument,
                        options.model + " has no ImageNet weights; --model " + example +
                            " or another on a torchvision architecture has.");
        }
        if (!stored) {
            throw Error(ErrorKind::NotFound,
                        "The weights store (" + store.folder().string() + ") has no weights for " +
                            pretrained + ": `kestrel-cli weights fetch " + pretrained +
                            "` downloads them, or `kestrel-cli weights import FILE --model " +
                            pretrained + "` keeps a file you have.");
        }
    }
    if (stored) {
        options.initWeights = stored->file;
        if (!given.weights) {
            std::cerr << "Starting from " << pretrained << "'s pretrained weights in the store ("
                      << stored->file.string() << "); --weights scratch starts from random ones.\n";
        }
    }
}

// True when an option was given that the defaults sentence names (model, input, epochs,
// batch, optimizer, crops, mirrors, validation, weight average, class weights): the sentence
// describes the defaults alone, so it would then misdescribe the run.
bool describedSettingGiven(const TrainCommandOptions& given) {
    // Segmentation's says whether it judges over mirror images, which the flips decide.
    const bool flipsNamed = given.task == std::optional<std::string>("segmentation");
    return !given.shapeAllDefault() || given.fromRun || given.optimizer || given.schedule ||
           given.validateEvery || given.ema || given.classWeights || given.noClassWeights ||
           given.cropSize || given.defectCrops || given.resize || given.mirrors ||
           (flipsNamed && (given.noAugment || given.anyOrientation || !given.augment.empty()));
}

} // namespace

bool succeeded(const train::TrainingFinished& finished) {
    return finished.status == train::TrainingFinished::Status::Completed ||
           finished.status == train::TrainingFinished::Status::Cancelled;
}

train::TrainOptions chooseOptions(Project& project, const TrainCommandOptions& given) {
    // Checked first, so a misspelt task gets one sentence and nothing else.
    const TaskKind task =
        given.task ? parseTaskKind(*given.task, "--task") : TaskKind::Classification;
    const std::string device = models::resolveDevice(given.device);
    const train::DatasetShape shape = train::datasetShape(project);
    const bool segmentation = task == TaskKind::Segmentation && !given.fromRun;
    const bool detection = task == TaskKind::Detection && !given.fromRun;
    std::size_t regionSamples = 0; // segmentation's and detection's training images
    train::TrainOptions options;
    if (given.fromRun) {
        options = runs::continuationOptions(project, *given.fromRun);
    } else if (segmentation) {
        const auto data = runs::loadSegmentationData(project, given.seed.value_or(0));
        regionSamples = data.data.train.size();
        options =
            train::defaultSegmentationOptions(data.data.train, shape.allGray, device, given.model);
    } else if (detection) {
        const auto data = runs::loadDetectionData(project, given.seed.value_or(0));
        regionSamples = data.data.train.size();
        options =
            train::defaultDetectionOptions(data.data.train, shape.allGray, device, given.model);
    } else {
        options = train::defaultOptions(shape, device, given.model);
    }
    if (given.task) {
        options.task = task; // with --from-run, checked against that run's
    }
    if (given.model) {
        options.model = *given.model; // with --from-run, checked against that run's
    }
    if (!describedSettingGiven(given)) {
        std::cerr << (segmentation ? train::describeSegmentationDefaults(options, regionSamples)
                      : detection  ? train::describeDetectionDefaults(options, regionSamples)
                                   : train::describeDefaults(options, shape))
                  << "\n";
    }
    applyTrainingSettings(given, options);
    if (given.initWeights) {
        options.initWeights = *given.initWeights;
    }
    chooseStartingWeights(given, options);
    if (given.optimizer) {
        options.optimizer = train::parseOptimizerKind(*given.optimizer);
    }
    if (given.schedule) {
        options.schedule.kind = train::parseLrScheduleKind(*given.schedule);
    }
    if (given.weightDecay) {
        options.weightDecay = *given.weightDecay;
    }
    if (given.labelSmoothing) {
        options.labelSmoothing = *given.labelSmoothing;
    }
    if (given.ema) {
        options.emaHorizon = *given.ema;
    }
    if (given.clipGrad) {
        options.gradientClipNorm = *given.clipGrad;
    }
    if (given.precision) {
        options.precision = train::parsePrecision(*given.precision);
    }
    if (given.patience) {
        options.patience = *given.patience;
    }
    if (given.validateEvery) {
        options.validateEvery = *given.validateEvery;
    }
    if (given.monitor) {
        options.monitor = *given.monitor;
    }
    if (given.workers) {
        options.workers = *given.workers;
    }
    if (given.threads) {
        options.threads = *given.threads;
    }
    if (given.syncBatchNorm) {
        options.syncBatchNorm = true; // else the defaults' (or the run's) choice
    }
    if (given.classWeights || given.noClassWeights) {
        options.classWeights = given.classWeights; // else the defaults' (or the run's) choice
    }
    if (given.goodClass) {
        options.goodClass = *given.goodClass;
    }
    if (given.targetRecall) {
        options.targetDefectRecall = *given.targetRecall;
    }
    if (!given.minimumAreas.empty() || given.pixelSize) {
        if (options.task != TaskKind::Segmentation) {
            throw Error(ErrorKind::InvalidArgument,
                        "--min-area and --pixel-size are for --task segmentation.");
        }
        options.minimumAreas.clear();
        for (const auto& text : given.minimumAreas) {
            options.minimumAreas.push_back(inspection::parseMinimumArea(text));
        }
        options.pixelSizeMm = given.pixelSize.value_or(options.pixelSizeMm);
    }
    if (given.resize) {
        if (options.task != TaskKind::Segmentation) {
            throw Error(ErrorKind::InvalidArgument, "--resize is for --task segmentation.");
        }
        options.keepImageScale = *given.resize == "pad";
    }
    if (given.mirrors) {
        if (options.task != TaskKind::Segmentation) {
            throw Error(ErrorKind::InvalidArgument, "--mirrors is for --task segmentation.");
        }
        options.averageMirrors = *given.mirrors == "on";
    }
    if (given.cropSize || given.defectCrops) {
        if (options.task != TaskKind::Segmentation) {
            throw Error(ErrorKind::InvalidArgument,
                        "--crop-size and --defect-crops are for --task segmentation.");
        }
        options.cropSize = given.cropSize.value_or(options.cropSize);
        options.defectCropShare = given.defectCrops.value_or(options.defectCropShare);
    } else {
        train::dropCropThatFillsTheImage(options); // after an --image-size this small
    }
    return options;
}

namespace {

// `train --task anomaly`: the options that mean something to a fitted detector, and a clear
// refusal of those that only shape gradient training.
int runAnomaly(const TrainCommandOptions& given) {
    if (given.model || given.epochs || given.lr || given.resume || given.joinRun || given.fromRun ||
        given.optimizer || given.schedule || given.weightDecay || given.labelSmoothing ||
        given.clipGrad || given.precision || given.patience || given.validateEvery ||
        given.monitor || given.classWeights || given.noClassWeights || given.anyOrientation ||
        !given.augment.empty() || given.noAugment || given.syncBatchNorm || given.ema) {
        throw Error(
            ErrorKind::InvalidArgument,
            "Anomaly detection is fitted in one pass over the good images: --model, "
            "--epochs, --lr, --resume, --from-run, --sync-batch-norm, --ema, the optimizer, "
            "schedule, loss and augmentation options do not apply (use --backbone and "
            "--method).");
    }
    AnomalyTrainRequest request;
    request.folder = given.folder;
    request.method = given.method;
    request.backbone = given.backbone;
    request.coreset = given.coreset;
    request.neighbours = given.neighbours;
    request.padimChannels = given.padimChannels;
    request.layers = given.layers;
    request.recomputeBatchNorm = given.recomputeBatchNorm;
    request.weightsFromRun = given.weightsFromRun;
    request.imageSize = given.imageSize;
    request.batchSize = given.batchSize;
    request.workers = given.workers;
    request.threads = given.threads;
    request.seed = given.seed;
    request.device = given.device;
    request.initWeights = given.initWeights;
    request.weights = given.weights;
    request.goodClass = given.goodClass;
    request.targetRecall = given.targetRecall;
    request.json = given.json;
    return runAnomalyTrain(request);
}

// The first option given that a run records (or that only a new run uses), by its flag; none
// when only the device, threads, workers and output options were given.
std::optional<std::string> recordedSettingGiven(const TrainCommandOptions& given) {
    const std::vector<std::pair<bool, const char*>> settings = {
        {given.task.has_value(), "--task"},
        {given.model.has_value(), "--model"},
        {given.epochs.has_value(), "--epochs"},
        {given.batchSize.has_value(), "--batch-size"},
        {given.imageSize.has_value(), "--image-size"},
        {given.lr.has_value(), "--lr"},
        {given.seed.has_value(), "--seed"},
        {given.initWeights.has_value(), "--init-weights"},
        {given.weights.has_value(), "--weights"},
        {given.fromRun.has_value(), "--from-run"},
        {given.optimizer.has_value(), "--optimizer"},
        {given.schedule.has_value(), "--schedule"},
        {given.weightDecay.has_value(), "--weight-decay"},
        {given.labelSmoothing.has_value(), "--label-smoothing"},
        {given.classWeights, "--class-weights"},
        {given.noClassWeights, "--no-class-weights"},
        {given.clipGrad.has_value(), "--clip-grad"},
        {given.ema.has_value(), "--ema"},
        {given.precision.has_value(), "--precision"},
        {given.patience.has_value(), "--patience"},
        {given.validateEvery.has_value(), "--validate-every"},
        {given.monitor.has_value(), "--monitor"},
        {given.syncBatchNorm, "--sync-batch-norm"},
        {given.noAugment, "--no-augment"},
        {given.anyOrientation, "--any-orientation"},
        {!given.augment.empty(), "--augment"},
        {given.goodClass.has_value(), "--good-class"},
        {given.targetRecall.has_value(), "--target-recall"},
        {!given.minimumAreas.empty(), "--min-area"},
        {given.pixelSize.has_value(), "--pixel-size"},
        {given.cropSize.has_value(), "--crop-size"},
        {given.defectCrops.has_value(), "--defect-crops"},
        {given.resize.has_value(), "--resize"},
        {given.mirrors.has_value(), "--mirrors"},
        {given.method.has_value(), "--method"},
        {given.backbone.has_value(), "--backbone"},
        {given.coreset.has_value(), "--coreset"},
        {given.neighbours.has_value(), "--neighbours"},
        {given.padimChannels.has_value(), "--padim-channels"},
        {!given.layers.empty(), "--layers"},
        {given.recomputeBatchNorm.has_value(), "--recompute-bn"},
        {given.weightsFromRun.has_value(), "--weights-from-run"},
    };
    for (const auto& [isGiven, flag] : settings) {
        if (isGiven) {
            return flag;
        }
    }
    return std::nullopt;
}

} // namespace

void refuseSettingsOfRecordedRun(const TrainCommandOptions& given) {
    // Every setting is refused, not only those that would change the run: one that was
    // silently ignored (a new --patience, say) would let the user believe it applied.
    if (const auto flag = recordedSettingGiven(given)) {
        throw Error(ErrorKind::InvalidArgument,
                    (given.resume ? "--resume continues run " + std::to_string(*given.resume)
                                  : "--join-run trains run " + std::to_string(*given.joinRun)) +
                        " with the settings it started with; leave out " + *flag +
                        " and the other training options.");
    }
}

std::unique_ptr<runs::TrainingSession> openSession(Project& project,
                                                   const TrainCommandOptions& given,
                                                   std::optional<PlannedRun> planned,
                                                   int worldSize) {
    runs::markInterruptedRuns(project);
    if (given.resume) {
        refuseSettingsOfRecordedRun(given);
        auto session = runs::TrainingSession::resume(
            project, *given.resume, worldSize,
            planned ? std::optional(std::move(planned->data)) : std::nullopt);
        std::cerr << "Resuming run " << session->runId() << " (" << session->options().model
                  << ").\n";
        return session;
    }
    auto session = planned ? runs::TrainingSession::create(project, std::move(planned->options),
                                                           given.fromRun, std::move(planned->data))
                           : runs::TrainingSession::create(project, chooseOptions(project, given),
                                                           given.fromRun);
    std::cerr << "Run " << session->runId() << ": " << session->options().model << " at "
              << session->options().imageSize << " px, validation "
              << session->data().validationSource;
    if (given.fromRun) {
        std::cerr << ", starting from run " << *given.fromRun << "'s best weights"
                  << (session->options().initCheckpointHead
                          ? ""
                          : " (a fresh last layer: the classes have changed)");
    }
    std::cerr << ".\n";
    return session;
}

int trainSession(Project& project, std::unique_ptr<runs::TrainingSession>& session,
                 const TrainCommandOptions& given) {
    TrainingProgressPrinter progress(std::cerr, isatty(STDERR_FILENO) != 0);
    progress.showFiguresOf(session->options().task);
    CancelOnInterrupt cancelOnInterrupt([&session] { session->cancel(); });
    train::ObserverPair observer(progress, cancelOnInterrupt);
    train::TrainingFinished finished;
    std::optional<review::RunOperatingPoint> operatingPoint;
    {
        // One writer for the run's records and the review step after it; its destructor
        // waits until both are written.
        runs::ThreadedRunStoreWriter writer(project.database());
        finished = session->run(observer, &writer);
        if (finished.status == train::TrainingFinished::Status::Completed) {
            // Seconds to minutes with nothing else printed: say what the wait is for.
            const train::TrainingData& data = session->data().data;
            std::cerr << "Scoring the run's "
                      << data.train.size() + data.validation.size() + data.test.size()
                      << " images for review.\n";
            review::ReviewScoring scoring;
            scoring.stop = &cancelOnInterrupt.interrupted();
            operatingPoint = review::recordRunPredictions(*session, writer, scoring);
            if (scoring.stop->load()) {
                std::cerr << "Stopped scoring for review: run " << session->runId()
                          << " keeps its checkpoints and figures, without review figures.\n";
            }
        }
    }

    if (operatingPoint) {
        std::cerr << review::describeOperatingPoint(*operatingPoint) << "\n";
    }
    if (given.json) {
        nlohmann::json metrics = nlohmann::json::object();
        for (const auto& [name, value] : finished.finalMetrics) {
            metrics[name] = value;
        }
        nlohmann::json result = {{"run", session->runId()},
                                 {"status", train::toString(finished.status)},
                                 {"reason", finished.reason},
                                 {"task", toString(session->options().task)},
                                 {"model", session->options().model},
                                 {"epochs", finished.epochsDone},
                                 {"best_epoch", finished.bestEpoch + 1},
                                 {"metrics", metrics}};
        if (operatingPoint) {
            for (const auto& point : review::operatingPointMetrics(*operatingPoint)) {
                result["metrics"][point.name] = point.value;
            }
            result["operating_point"] = {
                {"good_class", operatingPoint->goodClass},
                {"target_defect_recall", operatingPoint->validation.targetDefectRecall},
                {"threshold", operatingPoint->validation.threshold}};
        }
        printJson(result);
    }
    return succeeded(finished) ? kSuccess : kFailure;
}

namespace {

int runTrain(const TrainCommandOptions& given) {
    const TaskKind task =
        given.task ? parseTaskKind(*given.task, "--task") : TaskKind::Classification;
    const auto launch = distributed::readLaunchEnvironment();
    if (task == TaskKind::Anomaly) {
        if (launch) {
            throw Error(ErrorKind::InvalidArgument,
                        "Anomaly detection is fitted in one pass by one process; start it "
                        "without torchrun.");
        }
        return runAnomaly(given);
    }
    if (given.method || given.backbone || given.coreset || given.neighbours ||
        given.padimChannels || !given.layers.empty() || given.recomputeBatchNorm ||
        given.weightsFromRun) {
        throw Error(ErrorKind::InvalidArgument,
                    "--method, --backbone, --coreset, --neighbours, --padim-channels, --layers, "
                    "--recompute-bn and --weights-from-run are for --task anomaly.");
    }
    if (launch) {
        return trainRank(given, *launch);
    }
    if (given.joinRun) {
        throw Error(ErrorKind::InvalidArgument,
                    "--join-run is for a rank of a data-parallel run, which torchrun or the "
                    "window starts (WORLD_SIZE is not set).");
    }
    Project project = Project::open(given.folder);
    auto session = openSession(project, given, std::nullopt);
    return trainSession(project, session, given);
}

} // namespace

Command addTrainCommand(CLI::App& root) {
    auto options = std::make_shared<TrainCommandOptions>();
    CLI::App* parser = root.add_subcommand(
        "train",
        "Train a model (a classifier unless --task says otherwise: anomaly fits a "
        "detector on the good images) on the project's labelled images and record the run");
    parser->footer("On several GPUs or machines, torchrun starts the ranks: torchrun "
                   "--nproc-per-node N --no-python kestrel-cli train P ... (--batch-size is then "
                   "the global batch; rank 0 records the run).");
    parser->add_option("project", options->folder, "Project folder")->required();
    parser->add_option("--task", options->task,
                       "classification (default), segmentation (per-pixel classes from the "
                       "masks and polygons), detection (a box around each defect, from its "
                       "shapes) or anomaly (learns good parts only)");
    parser->add_option("--model", options->model,
                       "smallcnn, resnet18, ... (default: picked from the data)");
    parser
        ->add_option("--epochs", options->epochs,
                     "Passes over the training set; 0 evaluates "
                     "the initial weights")
        ->check(CLI::Range(0, 100000));
    parser
        ->add_option("--batch-size", options->batchSize,
                     "Images per batch (under torchrun: all ranks' together)")
        ->check(CLI::Range(1, 65536));
    parser->add_flag("--sync-batch-norm", options->syncBatchNorm,
                     "Under torchrun: batch-norm statistics over the whole global batch, not "
                     "each rank's share (slower; for small per-rank batches)");
    parser->add_option("--image-size", options->imageSize, "Square input size in pixels")
        ->check(CLI::Range(8, 4096));
    parser->add_option("--lr", options->lr, "Peak learning rate")->check(CLI::PositiveNumber);
    parser->add_option("--device", options->device, "auto, cpu, cuda or cuda:N")
        ->default_str("auto");
    parser->add_option("--seed", options->seed, "Random seed (default 0)");
    parser
        ->add_option("--init-weights", options->initWeights,
                     "A torchvision state_dict (.pth) to start from")
        ->check(CLI::ExistingFile);
    parser
        ->add_option("--weights", options->weights,
                     "imagenet: start from the weights store's ImageNet weights for the model; "
                     "scratch: from random weights (default: the store's when it has them)")
        ->excludes("--init-weights");
    parser->add_option("--resume", options->resume,
                       "Continue a cancelled or interrupted run from its last checkpoint");
    parser
        ->add_option("--join-run", options->joinRun,
                     "A rank other than 0 (how the window starts its ranks): train this run, "
                     "which rank 0 has just started, with its recorded settings")
        ->excludes("--resume");
    parser
        ->add_option("--from-run", options->fromRun,
                     "Start from this run's best weights and settings on the current samples "
                     "(fine-tune after relabelling or adding images)")
        ->excludes("--init-weights")
        ->excludes("--weights");
    parser->add_option("--optimizer", options->optimizer, "sgd, adam or adamw (default sgd)");
    parser->add_option("--schedule", options->schedule,
                       "constant, step, cosine or onecycle (default onecycle)");
    parser->add_option("--weight-decay", options->weightDecay, "L2 penalty (default 5e-4)");
    parser->add_option("--label-smoothing", options->labelSmoothing, "0 to <1 (default 0.1)");
    CLI::Option* classWeights =
        parser->add_flag("--class-weights", options->classWeights,
                         "Weight the loss by inverse class frequency (the default when the "
                         "largest class has 4 times the images of the smallest)");
    parser
        ->add_flag("--no-class-weights", options->noClassWeights,
                   "Weight every image the same, however imbalanced the classes")
        ->excludes(classWeights);
    parser->add_option("--clip-grad", options->clipGrad, "Clip the gradient norm to this");
    parser
        ->add_option("--ema", options->ema,
                     "Validate, keep and export a moving average of the weights over about "
                     "this many steps (0: off; detection's default 500)")
        ->check(CLI::Range(0, 1000000));
    parser->add_option("--precision", options->precision,
                       "fp32, fp16 or bf16 (mixed precision on CUDA; default fp16 on CUDA)");
    parser->add_option("--patience", options->patience,
                       "Stop after this many epochs without improvement (0: off)");
    parser
        ->add_option("--validate-every", options->validateEvery,
                     "Validate after every N epochs and after the last (default 1; "
                     "segmentation and detection choose their own)")
        ->check(CLI::Range(1, 1000000));
    parser->add_option("--monitor", options->monitor,
                       "val_accuracy, val_loss or val_macro_f1 (default val_accuracy)");
    parser->add_option("--workers", options->workers, "Image decoding threads (default 2)");
    parser->add_option("--threads", options->threads, "CPU threads for tensor math (0: all cores)");
    addAugmentationOptions(*parser, *options);
    parser->add_option("--good-class", options->goodClass,
                       "The class of parts that pass, for the line's operating point (default: "
                       "a class named good, ok, okay, pass or normal)");
    parser
        ->add_option("--target-recall", options->targetRecall,
                     "Share of defects the NG threshold must catch on the validation images "
                     "(default 0.995)")
        ->check(CLI::Range(0.5, 1.0));
    const std::string segmentation = "Segmentation (--task segmentation)";
    parser
        ->add_option("--min-area", options->minimumAreas,
                     "NG when a defect class covers more than this: pixels (20) or mm² "
                     "(0.5mm2, with --pixel-size), for all classes or CLASS=AREA; repeatable "
                     "(default 10 pixels)")
        ->group(segmentation);
    parser->add_option("--pixel-size", options->pixelSize, "Millimetres per pixel side")
        ->check(CLI::PositiveNumber)
        ->group(segmentation);
    parser
        ->add_option("--crop-size", options->cropSize,
                     "Train on squares of this side cut from each image (0: whole images; "
                     "default: a third of the typical side, at least 48 px, for images of "
                     "128 px or more)")
        ->check(CLI::NonNegativeNumber)
        ->group(segmentation);
    parser
        ->add_option("--defect-crops", options->defectCrops,
                     "Share of training crops placed around a defect pixel (default 0.9)")
        ->check(CLI::Range(0.0, 1.0))
        ->group(segmentation);
    parser
        ->add_option("--resize", options->resize,
                     "pad: each image keeps its own pixels, centred in the input and shrunk "
                     "only when larger (default); stretch: every image fills the input")
        ->check(CLI::IsMember({"pad", "stretch"}))
        ->group(segmentation);
    parser
        ->add_option("--mirrors", options->mirrors,
                     "on: judge and export the mean over each image and its mirror images, "
                     "four passes (default, when the augmentations flip both ways); off: one")
        ->check(CLI::IsMember({"on", "off"}))
        ->group(segmentation);
    parser->add_flag("--json", options->json, "Print one JSON object to stdout at the end");
    const std::string anomaly = "Anomaly detection (--task anomaly)";
    parser->add_option("--method", options->method, "patchcore (default) or padim")->group(anomaly);
    parser->add_option("--backbone", options->backbone, "resnet18 (default) or wide_resnet50_2")
        ->group(anomaly);
    parser
        ->add_option("--coreset", options->coreset,
                     "PatchCore: share of training patches kept in the memory bank (default 0.1)")
        ->check(CLI::Range(0.0001, 1.0))
        ->group(anomaly);
    parser
        ->add_option("--neighbours", options->neighbours,
                     "PatchCore: neighbours of the image score's reweighting (default 9; 1: off)")
        ->check(CLI::Range(1, 64))
        ->group(anomaly);
    parser
        ->add_option("--padim-channels", options->padimChannels,
                     "PaDiM: random feature channels kept (default 100 for resnet18, 550 wide)")
        ->group(anomaly);
    parser
        ->add_option("--layers", options->layers,
                     "Backbone stages compared, ascending, such as 2,3 (default: PatchCore 2,3 "
                     "with pretrained weights and 1,2 without; PaDiM 1,2,3)")
        ->delimiter(',')
        ->check(CLI::Range(1, 4))
        ->group(anomaly);
    parser
        ->add_option("--recompute-bn", options->recomputeBatchNorm,
                     "on or off: re-estimate the backbone's batch-norm statistics on the good "
                     "images first (default off)")
        ->group(anomaly);
    parser
        ->add_option("--weights-from-run", options->weightsFromRun,
                     "Use this classification run's best weights as the backbone (same "
                     "architecture)")
        ->excludes("--init-weights")
        ->excludes("--weights")
        ->group(anomaly);
    return {parser, [options] {
                return runTrain(*options);
            }};
}

} // namespace kestrel::cli
