// Trainer::run: the epoch and batch loop. Setup and control live in trainer.cpp.
#include "common/error.h"
#include "distributed/batch_norm_sync.h"
#include "distributed/gradient_averaging.h"
#include "distributed/process_group.h"
#include "loader/batch_loader.h"
#include "models/device.h"
#include "models/model_input.h"
#include "models/model_registry.h"
#include "models/torchvision_weights.h"
#include "tasks/segmentation_metrics.h"
#include "tasks/task.h"
#include "train/best_epoch.h"
#include "train/checkpoint.h"
#include "train/loss_scaler.h"
#include "train/lr_schedule.h"
#include "train/optimizer_factory.h"
#include "train/sharded_evaluation.h"
#include "train/train_step.h"
#include "train/trainer.h"
#include "train/training_loaders.h"
#include "train/weight_average.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include <torch/optim/optimizer.h>
#include <torch/utils.h>

namespace kestrel::train {

namespace {

using Clock = std::chrono::steady_clock;

// The whole-image epochs' peak learning rate, as a share of the run's (LrRestart). On the
// segmentation bench, fine-tuning a run for 15 epochs on whole images at a tenth of its rate
// gained nearly as much as 30 epochs at a fifth (seed 1: 0.608 and 0.610 over 420 images).
constexpr double kWholeImageLrFraction = 0.1;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string formatLoss(double value) {
    return std::isnan(value) ? "NaN" : (value > 0 ? "+infinity" : "-infinity");
}

// Weights of 4-D parameters in channels-last layout, which cuDNN and oneDNN run faster.
void useChannelsLast(torch::nn::Module& model) {
    at::NoGradGuard noGradients;
    for (auto& parameter : model.parameters()) {
        if (parameter.dim() == 4) {
            parameter.set_data(parameter.contiguous(at::MemoryFormat::ChannelsLast));
        }
    }
}

// For its scope the model judges each image alone, without its mirror images
// (Classifier::setAverageMirrors).
class JudgedAlone {
public:
    explicit JudgedAlone(models::Classifier& model)
        : model_(model), mirrored_(model.averageMirrors()) {
        model_.setAverageMirrors(false);
    }
    ~JudgedAlone() { model_.setAverageMirrors(mirrored_); }
    JudgedAlone(const JudgedAlone&) = delete;
    JudgedAlone& operator=(const JudgedAlone&) = delete;

private:
    models::Classifier& model_;
    bool mirrored_;
};

// Thrown inside the loop to end the run as failed with a sentence for the user.
struct RunFailure {
    std::string reason;
};

// What one epoch's batches added up to.
struct EpochTotals {
    Clock::time_point start;
    double lossSum = 0;
    double correct = 0; // rows right (per-pixel tasks: their shares of right pixels)
    std::int64_t seen = 0;
    double learningRate = 0;
    bool stopped = false; // cancelled before the epoch's end (on any rank)
};

// The device for `options`, after the process is set up for it: CPU threads, and the seed
// that makes the model's initial weights the same on every run.
std::string prepareDevice(const TrainOptions& options) {
    std::string device = models::resolveDevice(options.device);
    prepareCpuForTraining(options.threads);
    torch::manual_seed(static_cast<std::uint64_t>(options.seed));
    return device;
}

// One run's working set, built before anything is reported: the model on its device with
// its optimizer, schedule, loss and loaders, and where training stands (`progress`).
// Trainer::run drives it an epoch at a time.
class TrainingRun {
public:
    // Throws kestrel::Error for bad initial weights or an unreadable checkpoint.
    // With `group`, this is one rank of a data-parallel run.
    TrainingRun(const TrainOptions& options, const TrainingData& data,
                std::filesystem::path runFolder, bool resume,
                distributed::ProcessGroupSession* group);

    TrainingStarted started() const;
    const CheckpointProgress& progress() const { return progress_; }
    bool cuda() const { return device_.is_cuda(); }
    // Rank 0 of a data-parallel run, or a single process: the one that writes and reports.
    bool leader() const { return !group_ || group_->leader(); }

    // A run of 0 epochs keeps its initial (e.g. imported) weights as best and last.
    void keepInitialWeights();
    // The epoch's batches, each reported; stops early when `keepGoing` says so (cancel).
    EpochTotals trainEpoch(std::int64_t epoch, TrainingObserver& observer,
                           const std::function<bool()>& keepGoing);
    // The epoch's figures, with validation, and whether they are the best so far (which
    // updates `progress`).
    EpochDone finishEpoch(std::int64_t epoch, const EpochTotals& totals);
    void saveCheckpoints(const EpochDone& done, TrainingObserver& observer);
    // The best checkpoint on the test split (and, for a run of 0 epochs, validation).
    void evaluateBest(TrainingFinished& finished);

private:
    // The validation split's evaluation after `epoch`: with a process group, each rank
    // evaluates its shard and every rank gets the whole split's result.
    tasks::EvaluationResult validate(std::int64_t epoch);
    // Adds a validation's figures to `metrics` and its predictions to `predictions` (when
    // given); returns its evaluation.
    tasks::Evaluation recordValidation(tasks::EvaluationResult result,
                                       std::vector<SamplePrediction>* predictions,
                                       std::map<std::string, double>& metrics) const;
    void save(const std::filesystem::path& file);
    // How this rank reads its training samples in `epoch`: trainingLoaderOptions, its shard of
    // each global batch.
    loader::LoaderOptions rankTrainingOptions(std::int64_t epoch) const;
    // The first whole-image epoch (TrainOptions::wholeImageEpochs) starts from the weight
    // average with a fresh optimizer, as a fine-tuning run from the crops' best would.
    void startWholeImages(std::int64_t epoch);

    const TrainOptions& options_;
    const TrainingData& data_;
    const tasks::Task& task_;
    const tasks::MonitorMetric& monitor_;
    std::filesystem::path runFolder_;
    std::string deviceName_;
    torch::Device device_;
    int classCount_;
    models::ClassifierPtr model_;
    std::optional<models::WeightImport> weightImport_;
    std::unique_ptr<torch::optim::Optimizer> optimizer_;
    CheckpointProgress progress_;
    // Built in the constructor's body, in the order training always built them.
    std::optional<loader::BatchLoader> trainLoader_;
    std::optional<loader::BatchLoader> validationLoader_; // this rank's shard, with a group
    std::int64_t batchesPerEpoch_ = 0;
    std::optional<LrSchedule> schedule_;
    std::optional<LossScaler> scaler_;
    std::optional<models::ModelInput> input_;
    std::unique_ptr<tasks::TaskLoss> loss_;
    std::optional<TrainStep> step_;
    inspection::AreaRule areaRule_; // per-pixel tasks' verdicts
    distributed::ProcessGroupSession* group_;
    std::unique_ptr<distributed::GradientAveraging> gradients_;
    std::optional<WeightAverage> average_; // TrainOptions::emaHorizon
    // The epoch whose validation shares this rank last wrote, in this process; -1: none.
    std::int64_t lastValidatedEpoch_ = -1;
};

TrainingRun::TrainingRun(const TrainOptions& options, const TrainingData& data,
                         std::filesystem::path runFolder, bool resume,
                         distributed::ProcessGroupSession* group)
    : options_(options), data_(data), task_(tasks::taskFor(options.task)),
      monitor_(tasks::monitorMetric(task_, options.monitor)), runFolder_(std::move(runFolder)),
      deviceName_(prepareDevice(options)), device_(deviceName_),
      classCount_(static_cast<int>(data.classes.size())),
      areaRule_(inspection::areaRule(data.classes, options.minimumAreas, options.pixelSizeMm)),
      group_(group) {
    model_ = task_.createModel(modelSpec(options_, classCount_));
    if (!resume && !options_.initWeights.empty()) {
        weightImport_ = models::loadTorchvisionWeights(*model_, options_.initWeights);
    }
    if (!resume && !options_.initCheckpoint.empty()) {
        loadMatchingWeights(options_.initCheckpoint, *model_,
                            options_.initCheckpointHead ? std::string() : model_->headName());
    }
    model_->to(device_);
    if (options_.channelsLast) {
        useChannelsLast(*model_);
    }
    optimizer_ = createOptimizer(options_, *model_);

    std::filesystem::create_directories(runFolder_);
    progress_.bestMetric = monitor_.higherIsBetter ? -INFINITY : INFINITY;
    if (options_.emaHorizon > 0) {
        average_.emplace(*model_, options_.emaHorizon);
    }
    if (resume) {
        progress_ = loadCheckpoint(Trainer::lastCheckpoint(runFolder_), *model_, optimizer_.get(),
                                   true, average_ ? &*average_ : nullptr);
    }
    if (group_) {
        // Every rank starts from rank 0's weights and takes its shard of each global batch;
        // with syncBatchNorm its batch norms normalise over the whole global batch.
        gradients_ = std::make_unique<distributed::GradientAveraging>(*group_, *model_);
        if (options_.syncBatchNorm) {
            distributed::synchroniseBatchNorms(*model_, *group_);
        }
    }
    trainLoader_.emplace(data_.train, rankTrainingOptions(progress_.epochsDone));
    if (!data_.validation.empty()) {
        loader::LoaderOptions validation = evaluationLoaderOptions(options_);
        if (group_) {
            // Whole batches in turn, every sample on one rank (validate() combines them).
            validation.shard = {group_->rank(), group_->worldSize()};
        }
        validationLoader_.emplace(data_.validation, validation);
    }
    batchesPerEpoch_ = static_cast<std::int64_t>(trainLoader_->batchesPerEpoch());
    schedule_.emplace(
        options_.schedule, batchesPerEpoch_, options_.epochs,
        LrRestart{options_.epochs - firstWholeImageEpoch(options_), kWholeImageLrFraction});
    scaler_.emplace(cuda() && options_.precision == Precision::Float16, progress_.lossScale);
    input_.emplace(options_.mean, options_.std, device_, options_.channelsLast);

    loss_ = task_.createLoss(
        {options_.labelSmoothing, options_.classWeights, options_.imageSize, options_.imageSize},
        data_.train, classCount_, device_);
    const Precision autocast = cuda() ? options_.precision : Precision::Float32;
    step_.emplace(*model_, *optimizer_, *scaler_, autocast, *loss_, options_.gradientClipNorm);
    if (group_) {
        step_->averageOverRanks(*group_, *gradients_);
    }
}

TrainingStarted TrainingRun::started() const {
    TrainingStarted started;
    started.device = deviceName_;
    started.firstEpoch = progress_.epochsDone;
    started.epochs = options_.epochs;
    started.batchesPerEpoch = batchesPerEpoch_;
    started.trainSamples = static_cast<std::int64_t>(data_.train.size());
    started.validationSamples = static_cast<std::int64_t>(data_.validation.size());
    started.classes = data_.classes;
    started.weightImport = weightImport_;
    return started;
}

void TrainingRun::save(const std::filesystem::path& file) {
    saveCheckpoint(file, *model_, optimizer_.get(), progress_, average_ ? &*average_ : nullptr);
}

loader::LoaderOptions TrainingRun::rankTrainingOptions(std::int64_t epoch) const {
    loader::LoaderOptions training = trainingLoaderOptions(options_, epoch);
    if (group_) {
        training.batchSize = options_.batchSize / group_->worldSize();
        training.shard = {group_->rank(), group_->worldSize()};
    }
    return training;
}

void TrainingRun::startWholeImages(std::int64_t epoch) {
    if (average_) {
        average_->restartFromAverage();
    }
    optimizer_->state().clear();
    if (trainLoader_->options().cropSide != trainingLoaderOptions(options_, epoch).cropSide) {
        trainLoader_.emplace(data_.train, rankTrainingOptions(epoch));
    }
}

void TrainingRun::keepInitialWeights() {
    if (!leader()) {
        return;
    }
    save(Trainer::bestCheckpoint(runFolder_));
    save(Trainer::lastCheckpoint(runFolder_));
}

EpochTotals TrainingRun::trainEpoch(std::int64_t epoch, TrainingObserver& observer,
                                    const std::function<bool()>& keepGoing) {
    if (average_) {
        average_->useTrained(); // validation and the checkpoints had the average
    }
    if (epoch == firstWholeImageEpoch(options_)) {
        startWholeImages(epoch);
    }
    EpochTotals totals;
    totals.start = Clock::now();
    model_->train();
    trainLoader_->startEpoch(epoch);
    std::int64_t batchIndex = 0;
    while (true) {
        std::optional<loader::Batch> batch = trainLoader_->next();
        // A single process past its last batch has nothing to pause or cancel.
        bool going = batch || group_ ? keepGoing() : true;
        if (group_) {
            // The ranks step together, or the others would wait for this one's gradients:
            // all go on only when every rank goes on and has a batch (a rank whose batch
            // was all unreadable files runs out first; the epoch then ends for everyone).
            const auto counts = group_->sum({going ? 1.0 : 0.0, batch ? 1.0 : 0.0});
            going = counts[0] == group_->worldSize();
            if (counts[1] < group_->worldSize()) {
                batch.reset();
            }
        }
        if (!batch) {
            break;
        }
        if (!going) {
            totals.stopped = true;
            break;
        }
        totals.learningRate = schedule_->at(progress_.step);
        setLearningRate(*optimizer_, totals.learningRate);
        const torch::Tensor images = (*input_)(batch->images);
        const torch::Tensor targets = batch->targets().to(device_, /*non_blocking=*/true);
        const TrainStep::Outcome outcome = (*step_)(images, targets);
        const std::string where =
            " in epoch " + std::to_string(epoch + 1) + ", batch " + std::to_string(batchIndex + 1);
        if (!std::isfinite(outcome.loss)) {
            throw RunFailure{"The training loss became " + formatLoss(outcome.loss) + where +
                             "; the last good checkpoint is kept. Try a lower learning rate "
                             "than " +
                             std::to_string(totals.learningRate) + "."};
        }
        if (!outcome.gradientsFinite && !scaler_->enabled()) {
            throw RunFailure{"The gradients became infinite or NaN" + where +
                             "; the last good checkpoint is kept. Try a lower learning rate or "
                             "--clip-grad."};
        }
        ++progress_.step;
        if (average_) {
            // The whole-image epochs' average counts its steps from their schedule's start.
            average_->update(progress_.step - schedule_->stageStart(progress_.step - 1));
        }

        const auto rows = batch->labels.size(0);
        totals.lossSum += outcome.loss * static_cast<double>(rows);
        totals.correct += task_.countCorrect(outcome.outputs, targets);
        totals.seen += rows;

        BatchDone done;
        done.epoch = epoch;
        done.batch = batchIndex++;
        done.batchesPerEpoch = batchesPerEpoch_;
        done.step = progress_.step;
        done.loss = outcome.loss;
        done.learningRate = totals.learningRate;
        done.imagesPerSecond = static_cast<double>(totals.seen) *
                               (group_ ? group_->worldSize() : 1) / secondsSince(totals.start);
        done.skipped = !outcome.gradientsFinite;
        observer.batchDone(done);
    }
    if (group_) {
        // The epoch's figures over every rank's shard: what one process would have counted.
        const auto sums =
            group_->sum({totals.lossSum, totals.correct, static_cast<double>(totals.seen)});
        totals.lossSum = sums[0];
        totals.correct = sums[1];
        totals.seen = static_cast<std::int64_t>(sums[2]);
    }
    return totals;
}

tasks::EvaluationResult TrainingRun::validate(std::int64_t epoch) {
    // Each epoch judges the image alone: over its mirror images too, validation would cost
    // four times as much, more than an epoch's training on the bench's parts. The test split
    // (evaluateBest), eval, export and predict judge the model as it is used.
    const JudgedAlone alone(*model_);
    if (!group_) {
        return task_.evaluate(*model_, *validationLoader_, *input_, classCount_, "val");
    }
    const std::string key = "val/" + std::to_string(epoch);
    auto result = evaluateSharded(task_, *model_, *validationLoader_, *input_, classCount_, "val",
                                  *group_, key);
    if (lastValidatedEpoch_ >= 0) {
        // Every rank read the last validation's shares before this epoch's first step, which
        // the ranks begin together (trainEpoch's sum): this rank's old share can go.
        group_->forget(shareKey("val/" + std::to_string(lastValidatedEpoch_), group_->rank()));
    }
    lastValidatedEpoch_ = epoch;
    return result;
}

tasks::Evaluation TrainingRun::recordValidation(tasks::EvaluationResult result,
                                                std::vector<SamplePrediction>* predictions,
                                                std::map<std::string, double>& metrics) const {
    metrics.merge(task_.metrics(result.evaluation, data_.classes, "val_"));
    metrics.merge(tasks::verdictMetrics(result.evaluation, areaRule_, "val_"));
    if (predictions) {
        predictions->reserve(result.predictions.size());
        for (auto& prediction : result.predictions) {
            predictions->push_back({data_.validation[prediction.sample].sampleId, prediction.truth,
                                    prediction.predicted, prediction.confidence,
                                    std::move(prediction.pixels)});
        }
    }
    return std::move(result.evaluation);
}

EpochDone TrainingRun::finishEpoch(std::int64_t epoch, const EpochTotals& totals) {
    const double trainSeconds = secondsSince(totals.start);
    const auto seen = static_cast<double>(totals.seen);
    EpochDone done;
    done.epoch = epoch;
    done.step = progress_.step;
    done.metrics["train_loss"] = totals.seen ? totals.lossSum / seen : 0.0;
    done.metrics["train_accuracy"] = totals.seen ? totals.correct / seen : 0.0;
    done.metrics["lr"] = totals.learningRate;
    done.metrics["images_per_second"] = seen / trainSeconds;
    if (scaler_->enabled()) {
        done.metrics["loss_scale"] = scaler_->state().scale;
    }
    if (average_) {
        // The average is what the epoch is judged by and what its checkpoints keep.
        average_->useAverage();
    }
    if (gradients_) {
        // Rank 0's batch-norm statistics, which its checkpoint keeps, on every rank; so every
        // rank's shard of validation is evaluated by the model rank 0 keeps, and the ranks
        // combine the same figures and take the same decisions (best, early stop).
        gradients_->takeLeadersBuffers();
    }
    const bool validating = validationLoader_ && isValidationEpoch(options_, epoch);
    if (validating) {
        done.validation =
            recordValidation(validate(epoch), &done.validationPredictions, done.metrics);
    }
    // Without validation data the latest weights are the best we know; between validations
    // the best stays as last judged.
    const double value =
        validating ? done.metrics.at(options_.monitor) : static_cast<double>(epoch);
    const double validationLoss = validating ? done.metrics.at("val_loss") : 0.0;
    done.improved = !validationLoader_ ||
                    (validating && improvesOnBest({monitor_.name, monitor_.higherIsBetter}, value,
                                                  validationLoss, progress_));
    progress_.epochsDone = epoch + 1;
    progress_.lossScale = scaler_->state();
    if (done.improved) {
        progress_.bestMetric = value;
        progress_.bestLoss = validationLoss;
        progress_.bestEpoch = epoch;
        progress_.staleEpochs = 0;
    } else {
        ++progress_.staleEpochs;
    }
    done.seconds = secondsSince(totals.start);
    return done;
}

void TrainingRun::saveCheckpoints(const EpochDone& done, TrainingObserver& observer) {
    if (!leader()) {
        return;
    }
    if (done.improved) {
        save(Trainer::bestCheckpoint(runFolder_));
        observer.checkpointSaved({done.epoch, Trainer::bestCheckpoint(runFolder_), "best"});
    }
    save(Trainer::lastCheckpoint(runFolder_));
    observer.checkpointSaved({done.epoch, Trainer::lastCheckpoint(runFolder_), "last"});
}

void TrainingRun::evaluateBest(TrainingFinished& finished) {
    if (!leader()) {
        return;
    }
    loadCheckpoint(Trainer::bestCheckpoint(runFolder_), *model_, nullptr, false);
    if (validationLoader_ && options_.epochs == 0) {
        if (group_) {
            // Rank 0 alone is here: it evaluates the whole split, not its shard.
            loader::BatchLoader whole(data_.validation, evaluationLoaderOptions(options_));
            recordValidation(task_.evaluate(*model_, whole, *input_, classCount_, "val"), nullptr,
                             finished.finalMetrics);
        } else {
            recordValidation(validate(0), nullptr, finished.finalMetrics);
        }
    }
    if (!data_.test.empty()) {
        loader::BatchLoader testLoader(data_.test, evaluationLoaderOptions(options_));
        auto result = task_.evaluate(*model_, testLoader, *input_, classCount_, "test");
        finished.finalMetrics.merge(task_.metrics(result.evaluation, data_.classes, "test_"));
        finished.finalMetrics.merge(tasks::verdictMetrics(result.evaluation, areaRule_, "test_"));
        finished.test = std::move(result.evaluation);
    }
}

// The sentence for a LibTorch failure: out of GPU memory names a smaller batch.
std::string libTorchFailure(const c10::Error& error, bool cuda, int batchSize) {
    const std::string message = error.what_without_backtrace();
    if (cuda && message.find("out of memory") != std::string::npos) {
        return "The GPU ran out of memory with batch size " + std::to_string(batchSize) +
               "; try --batch-size " + std::to_string(std::max(1, batchSize / 2)) +
               ". The last good checkpoint is kept.";
    }
    return "LibTorch failed: " + message.substr(0, message.find('\n'));
}

} // namespace

TrainingFinished Trainer::run(bool resume) {
    TrainingRun run(options_, data_, runFolder_, resume, group_);
    observer_.started(run.started());

    TrainingFinished finished;
    finished.epochsDone = run.progress().epochsDone;
    try {
        if (options_.epochs == 0) {
            run.keepInitialWeights();
        }
        for (std::int64_t epoch = run.progress().epochsDone; epoch < options_.epochs; ++epoch) {
            const EpochTotals totals =
                run.trainEpoch(epoch, observer_, [this] { return waitWhilePaused(); });
            if (cancelled_ || totals.stopped) {
                const std::int64_t kept = run.progress().epochsDone;
                finished.status = TrainingFinished::Status::Cancelled;
                finished.reason =
                    "Cancelled in epoch " + std::to_string(epoch + 1) +
                    (kept == 0 ? ", before the first checkpoint: nothing to resume."
                               : "; the checkpoint of epoch " + std::to_string(kept) + " is kept.");
                break;
            }
            const EpochDone done = run.finishEpoch(epoch, totals);
            observer_.epochDone(done);
            run.saveCheckpoints(done, observer_);
            finished.epochsDone = run.progress().epochsDone;

            const std::int64_t stale = run.progress().staleEpochs;
            // Only a validation can show that the run has stopped improving.
            if (options_.patience > 0 && stale >= options_.patience &&
                isValidationEpoch(options_, epoch) && epoch + 1 < options_.epochs) {
                finished.reason = "Stopped early after epoch " + std::to_string(epoch + 1) + ": " +
                                  options_.monitor + " has not improved for " +
                                  std::to_string(stale) + " epochs.";
                break;
            }
        }
        if (finished.status == TrainingFinished::Status::Completed) {
            run.evaluateBest(finished);
        }
    } catch (const distributed::LostContact& lost) {
        finished.status = TrainingFinished::Status::Interrupted;
        finished.reason = std::string(lost.what()) +
                          " The run is left interrupted; resuming it continues from its last "
                          "checkpoint.";
    } catch (const RunFailure& failure) {
        finished.status = TrainingFinished::Status::Failed;
        finished.reason = failure.reason;
    } catch (const c10::Error& error) {
        finished.status = TrainingFinished::Status::Failed;
        finished.reason = libTorchFailure(error, run.cuda(), options_.batchSize);
    } catch (const Error& error) {
        finished.status = TrainingFinished::Status::Failed;
        finished.reason = error.what();
    }
    finished.bestEpoch = run.progress().bestEpoch;
    finished.bestMetric = run.progress().bestMetric;
    observer_.finished(finished);
    return finished;
}

} // namespace kestrel::train
