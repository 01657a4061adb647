// Trainer::run: the epoch and batch loop. Setup and control live in trainer.cpp.
#include "common/error.h"
#include "loader/batch_loader.h"
#include "models/device.h"
#include "models/model_input.h"
#include "models/model_registry.h"
#include "models/torchvision_weights.h"
#include "train/checkpoint.h"
#include "train/class_weights.h"
#include "train/evaluator.h"
#include "train/loss_scaler.h"
#include "train/lr_schedule.h"
#include "train/optimizer_factory.h"
#include "train/train_step.h"
#include "train/trainer.h"
#include "train/training_loaders.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include <torch/nn/functional/loss.h>
#include <torch/optim/optimizer.h>
#include <torch/utils.h>

namespace kestrel::train {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

bool isBetter(const std::string& monitor, double candidate, double best) {
    return monitor == "val_loss" ? candidate < best : candidate > best;
}

std::string formatLoss(double value) {
    return std::isnan(value) ? "NaN" : (value > 0 ? "+infinity" : "-infinity");
}

// Weights of 4-D parameters in channels-last layout, which cuDNN and oneDNN run faster.
void useChannelsLast(torch::nn::Module& model) {
    torch::NoGradGuard noGradients;
    for (auto& parameter : model.parameters()) {
        if (parameter.dim() == 4) {
            parameter.set_data(parameter.contiguous(at::MemoryFormat::ChannelsLast));
        }
    }
}

std::vector<std::int64_t> classCounts(const std::vector<loader::LoaderSample>& samples,
                                      std::size_t classes) {
    std::vector<std::int64_t> counts(classes, 0);
    for (const auto& sample : samples) {
        ++counts.at(static_cast<std::size_t>(sample.label));
    }
    return counts;
}

// Thrown inside the loop to end the run as failed with a sentence for the user.
struct RunFailure {
    std::string reason;
};

} // namespace

TrainingFinished Trainer::run(bool resume) {
    const std::string deviceName = models::resolveDevice(options_.device);
    const torch::Device device(deviceName);
    const bool cuda = device.is_cuda();
    prepareCpuForTraining(options_.threads);
    torch::manual_seed(static_cast<std::uint64_t>(options_.seed));

    const auto classCount = static_cast<int>(data_.classes.size());
    models::ClassifierPtr model =
        models::createClassifier({options_.model, classCount, options_.channels});
    std::optional<models::WeightImport> weightImport;
    if (!resume && !options_.initWeights.empty()) {
        weightImport = models::loadTorchvisionWeights(*model, options_.initWeights);
    }
    if (!resume && !options_.initCheckpoint.empty()) {
        loadMatchingWeights(options_.initCheckpoint, *model,
                            options_.initCheckpointHead ? std::string() : model->headName());
    }
    model->to(device);
    const bool channelsLast = options_.channelsLast;
    if (channelsLast) {
        useChannelsLast(*model);
    }
    std::unique_ptr<torch::optim::Optimizer> optimizer = createOptimizer(options_, *model);

    std::filesystem::create_directories(runFolder_);
    CheckpointProgress progress;
    progress.bestMetric = options_.monitor == "val_loss" ? INFINITY : -INFINITY;
    if (resume) {
        progress = loadCheckpoint(lastCheckpoint(runFolder_), *model, optimizer.get(), true);
    }

    loader::BatchLoader trainLoader(data_.train, trainingLoaderOptions(options_));
    std::optional<loader::BatchLoader> validationLoader;
    if (!data_.validation.empty()) {
        validationLoader.emplace(data_.validation, evaluationLoaderOptions(options_));
    }
    const auto batchesPerEpoch = static_cast<std::int64_t>(trainLoader.batchesPerEpoch());
    const LrSchedule schedule(options_.schedule, batchesPerEpoch, options_.epochs);
    LossScaler scaler(cuda && options_.precision == Precision::Float16, progress.lossScale);
    const Precision autocast = cuda ? options_.precision : Precision::Float32;
    const models::ModelInput input(options_.mean, options_.std, device, channelsLast);

    auto lossOptions =
        torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(options_.labelSmoothing);
    if (options_.classWeights) {
        const auto weights =
            inverseFrequencyWeights(classCounts(data_.train, data_.classes.size()));
        lossOptions.weight(
            torch::tensor(std::vector<float>(weights.begin(), weights.end())).to(device));
    }

    TrainStep step(*model, *optimizer, scaler, autocast, lossOptions, options_.gradientClipNorm);

    TrainingStarted started;
    started.device = deviceName;
    started.firstEpoch = progress.epochsDone;
    started.epochs = options_.epochs;
    started.batchesPerEpoch = batchesPerEpoch;
    started.trainSamples = static_cast<std::int64_t>(data_.train.size());
    started.validationSamples = static_cast<std::int64_t>(data_.validation.size());
    started.classes = data_.classes;
    started.weightImport = weightImport;
    observer_.started(started);

    TrainingFinished finished;
    finished.epochsDone = progress.epochsDone;
    try {
        if (options_.epochs == 0) {
            // Evaluate the initial (e.g. imported) weights as they are.
            saveCheckpoint(bestCheckpoint(runFolder_), *model, optimizer.get(), progress);
            saveCheckpoint(lastCheckpoint(runFolder_), *model, optimizer.get(), progress);
        }
        for (std::int64_t epoch = progress.epochsDone; epoch < options_.epochs; ++epoch) {
            const auto epochStart = Clock::now();
            model->train();
            trainLoader.startEpoch(epoch);
            double lossSum = 0;
            std::int64_t correct = 0;
            std::int64_t seen = 0;
            std::int64_t batchIndex = 0;
            double learningRate = 0;
            while (auto batch = trainLoader.next()) {
                if (!waitWhilePaused()) {
                    break;
                }
                learningRate = schedule.at(progress.step);
                setLearningRate(*optimizer, learningRate);
                const torch::Tensor images = input(batch->images);
                const torch::Tensor labels = batch->labels.to(device, /*non_blocking=*/true);
                const TrainStep::Outcome outcome = step(images, labels);
                const double lossValue = outcome.loss;
                if (!std::isfinite(lossValue)) {
                    throw RunFailure{"The training loss became " + formatLoss(lossValue) +
                                     " in epoch " + std::to_string(epoch + 1) + ", batch " +
                                     std::to_string(batchIndex + 1) +
                                     "; the last good checkpoint is kept. Try a lower learning "
                                     "rate than " +
                                     std::to_string(learningRate) + "."};
                }
                if (!outcome.gradientsFinite && !scaler.enabled()) {
                    throw RunFailure{"The gradients became infinite or NaN in epoch " +
                                     std::to_string(epoch + 1) + ", batch " +
                                     std::to_string(batchIndex + 1) +
                                     "; the last good checkpoint is kept. Try a lower learning "
                                     "rate or --clip-grad."};
                }
                const bool finite = outcome.gradientsFinite;
                ++progress.step;

                const auto rows = batch->labels.size(0);
                lossSum += lossValue * static_cast<double>(rows);
                correct += outcome.logits.argmax(1).eq(labels).sum().item<std::int64_t>();
                seen += rows;

                BatchDone done;
                done.epoch = epoch;
                done.batch = batchIndex++;
                done.batchesPerEpoch = batchesPerEpoch;
                done.step = progress.step;
                done.loss = lossValue;
                done.learningRate = learningRate;
                done.imagesPerSecond = static_cast<double>(seen) / secondsSince(epochStart);
                done.skipped = !finite;
                observer_.batchDone(done);
            }
            if (cancelled_) {
                finished.status = TrainingFinished::Status::Cancelled;
                finished.reason = "Cancelled in epoch " + std::to_string(epoch + 1) +
                                  (progress.epochsDone == 0
                                       ? ", before the first checkpoint: nothing to resume."
                                       : "; the checkpoint of epoch " +
                                             std::to_string(progress.epochsDone) + " is kept.");
                break;
            }
            const double trainSeconds = secondsSince(epochStart);

            EpochDone done;
            done.epoch = epoch;
            done.step = progress.step;
            done.metrics["train_loss"] = seen ? lossSum / static_cast<double>(seen) : 0.0;
            done.metrics["train_accuracy"] =
                seen ? static_cast<double>(correct) / static_cast<double>(seen) : 0.0;
            done.metrics["lr"] = learningRate;
            done.metrics["images_per_second"] = static_cast<double>(seen) / trainSeconds;
            if (scaler.enabled()) {
                done.metrics["loss_scale"] = scaler.state().scale;
            }
            if (validationLoader) {
                auto result = evaluate(*model, *validationLoader, input, classCount, "val");
                done.metrics.merge(evaluationMetrics(result.evaluation, data_.classes, "val_"));
                done.validation = std::move(result.evaluation);
                done.validationPredictions.reserve(result.predictions.size());
                for (const auto& prediction : result.predictions) {
                    done.validationPredictions.push_back(
                        {data_.validation[prediction.sample].sampleId, prediction.truth,
                         prediction.predicted, prediction.confidence});
                }
            }
            // Without validation data the latest weights are the best we know.
            const double value =
                validationLoader ? done.metrics.at(options_.monitor) : static_cast<double>(epoch);
            done.improved =
                !validationLoader || isBetter(options_.monitor, value, progress.bestMetric);
            progress.epochsDone = epoch + 1;
            progress.lossScale = scaler.state();
            if (done.improved) {
                progress.bestMetric = value;
                progress.bestEpoch = epoch;
                progress.staleEpochs = 0;
            } else {
                ++progress.staleEpochs;
            }
            done.seconds = secondsSince(epochStart);
            observer_.epochDone(done);

            if (done.improved) {
                saveCheckpoint(bestCheckpoint(runFolder_), *model, optimizer.get(), progress);
                observer_.checkpointSaved({epoch, bestCheckpoint(runFolder_), "best"});
            }
            saveCheckpoint(lastCheckpoint(runFolder_), *model, optimizer.get(), progress);
            observer_.checkpointSaved({epoch, lastCheckpoint(runFolder_), "last"});
            finished.epochsDone = progress.epochsDone;

            if (options_.patience > 0 && progress.staleEpochs >= options_.patience &&
                epoch + 1 < options_.epochs) {
                finished.reason = "Stopped early after epoch " + std::to_string(epoch + 1) + ": " +
                                  options_.monitor + " has not improved for " +
                                  std::to_string(progress.staleEpochs) + " epochs.";
                break;
            }
        }

        if (finished.status == TrainingFinished::Status::Completed) {
            loadCheckpoint(bestCheckpoint(runFolder_), *model, nullptr, false);
            if (validationLoader && options_.epochs == 0) {
                auto result = evaluate(*model, *validationLoader, input, classCount, "val");
                finished.finalMetrics.merge(
                    evaluationMetrics(result.evaluation, data_.classes, "val_"));
            }
            if (!data_.test.empty()) {
                loader::BatchLoader testLoader(data_.test, evaluationLoaderOptions(options_));
                auto result = evaluate(*model, testLoader, input, classCount, "test");
                finished.finalMetrics.merge(
                    evaluationMetrics(result.evaluation, data_.classes, "test_"));
                finished.test = std::move(result.evaluation);
            }
        }
    } catch (const RunFailure& failure) {
        finished.status = TrainingFinished::Status::Failed;
        finished.reason = failure.reason;
    } catch (const c10::Error& error) {
        finished.status = TrainingFinished::Status::Failed;
        if (cuda && std::string(error.what_without_backtrace()).find("out of memory") !=
                        std::string::npos) {
            finished.reason = "The GPU ran out of memory with batch size " +
                              std::to_string(options_.batchSize) + "; try --batch-size " +
                              std::to_string(std::max(1, options_.batchSize / 2)) +
                              ". The last good checkpoint is kept.";
        } else {
            const std::string message = error.what_without_backtrace();
            finished.reason = "LibTorch failed: " + message.substr(0, message.find('\n'));
        }
    } catch (const Error& error) {
        finished.status = TrainingFinished::Status::Failed;
        finished.reason = error.what();
    }
    finished.bestEpoch = progress.bestEpoch;
    finished.bestMetric = progress.bestMetric;
    observer_.finished(finished);
    return finished;
}

} // namespace kestrel::train
