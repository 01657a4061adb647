#include "anomaly_training.h"
#include "cancel_on_interrupt.h"
#include "command.h"
#include "common/error.h"
#include "common/task_kind.h"
#include "distributed/launch_environment.h"
#include "json_output.h"
#include "project/project.h"
#include "rank_training.h"
#include "review/run_predictions.h"
#include "runs/run_lock.h"
#include "runs/run_store_writer.h"
#include "runs/training_session.h"
#include "train/trainer.h"
#include "train_command_steps.h"
#include "training_progress_printer.h"
#include "training_settings.h"

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

bool succeeded(const train::TrainingFinished& finished) {
    return finished.status == train::TrainingFinished::Status::Completed ||
           finished.status == train::TrainingFinished::Status::Cancelled;
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

} // namespace

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
        ->add_option("--whole-image-epochs", options->wholeImageEpochs,
                     "After the crops, train this many of the run's last epochs on whole images "
                     "(default: about a fifth more time, at most 30 epochs; 0: crops to the end)")
        ->check(CLI::NonNegativeNumber)
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
