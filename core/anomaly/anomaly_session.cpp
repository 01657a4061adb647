#include "anomaly/anomaly_session.h"

#include "anomaly/anomaly_model.h"
#include "anomaly/anomaly_scoring.h"
#include "common/blas_threads.h"
#include "common/error.h"
#include "common/task_kind.h"
#include "common/tensor_allocator.h"
#include "common/version.h"
#include "inspection/anomaly_metrics.h"
#include "inspection/operating_point.h"
#include "loader/batch_loader.h"
#include "models/device.h"
#include "models/model_input.h"
#include "models/resnet.h"
#include "project/project.h"
#include "runs/run_lock.h"
#include "runs/run_log.h"
#include "runs/run_store_writer.h"
#include "runs/trained_run.h"
#include "store/review_repository.h"
#include "store/run_repository.h"

#include <chrono>
#include <cmath>
#include <future>
#include <map>
#include <optional>
#include <sstream>

#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <torch/utils.h>
#include <torch/version.h>

namespace kestrel::anomaly {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

const std::vector<std::string> kVerdictClasses = {"good", "defect"};

// The run's samples: training keeps the good class only; a defect in the training split
// cannot teach what good looks like, so it joins validation, where it helps set the threshold.
runs::ProjectTrainingData anomalySamples(Project& project, const AnomalyOptions& options,
                                         std::size_t& goodClass) {
    runs::ProjectTrainingData data = runs::loadTrainingData(project, options.seed);
    const auto good = inspection::findGoodClass(data.data.classes, options.goodClass);
    if (!good) {
        throw Error(ErrorKind::InvalidArgument,
                    "Anomaly detection learns from good parts, but no class is named good, ok, "
                    "okay, pass or normal; say which class is good (--good-class).");
    }
    goodClass = *good;
    std::vector<loader::LoaderSample> train;
    for (auto& sample : data.data.train) {
        (static_cast<std::size_t>(sample.label) == goodClass ? train : data.data.validation)
            .push_back(sample);
    }
    data.data.train = std::move(train);
    if (data.data.train.empty()) {
        throw Error(ErrorKind::InvalidArgument,
                    "The project has no training images of the good class \"" +
                        data.data.classes[goodClass] + "\" to learn from.");
    }
    return data;
}

store::StoredConfusionMatrix confusionOf(const Scored& scored, double threshold,
                                         const std::string& split) {
    const auto counts = inspection::countsAt(scored.scores, scored.defect, threshold);
    return {
        1,
        split,
        kVerdictClasses,
        {counts.trueNegatives, counts.falsePositives, counts.falseNegatives, counts.truePositives}};
}

std::vector<store::StoredPrediction> predictionsOf(const Scored& scored,
                                                   const AnomalyModel& model) {
    const auto& n = model.normalisation();
    const double scale = n.imageMax > n.imageMin ? n.imageMax - n.imageMin : 1.0;
    std::vector<store::StoredPrediction> predictions;
    for (std::size_t i = 0; i < scored.scores.size(); ++i) {
        const double score = std::clamp((scored.scores[i] - n.threshold) / scale + 0.5, 0.0, 1.0);
        const bool defect = scored.scores[i] >= n.threshold;
        predictions.push_back(
            {scored.sampleIds[i], 1, scored.defect[i], defect ? 1 : 0, score, {}});
    }
    return predictions;
}

// The same scores as the browser's review reads them (sample_predictions): the verdict as the
// prediction (0 good, 1 defect), the normalised score as its confidence and as P(defect).
// Training images get none: their patches built the memory bank, so their scores say nothing.
std::vector<store::SamplePredictionRecord>
reviewRecordsOf(const std::vector<store::StoredPrediction>& predictions, const std::string& split) {
    std::vector<store::SamplePredictionRecord> records;
    for (const auto& prediction : predictions) {
        const auto score = static_cast<float>(prediction.confidence);
        store::SamplePredictionRecord record;
        record.sampleId = prediction.sampleId;
        record.split = split;
        record.truth = prediction.truth;
        record.predicted = prediction.predicted;
        record.confidence = score;
        record.truthProbability = prediction.truth == 1 ? score : 1.0f - score;
        record.margin = std::abs(2.0f * score - 1.0f);
        record.probabilities = {1.0f - score, score};
        records.push_back(std::move(record));
    }
    return records;
}

// Copies a classification run's best weights into the backbone (same architecture).
void loadRunWeights(Project& project, std::int64_t runId, models::ResNet& backbone) {
    const runs::TrainedRun run = runs::loadTrainedRun(project, runId);
    if (run.model->architecture() != backbone.architecture()) {
        throw Error(ErrorKind::InvalidArgument,
                    "Run " + std::to_string(runId) + " trained " + run.model->architecture() +
                        ", not the backbone " + backbone.architecture() + ".");
    }
    c10::NoGradGuard noGrad;
    const auto source = run.model->named_parameters();
    for (auto& parameter : backbone.named_parameters()) {
        if (parameter.key().rfind("fc.", 0) != 0) {
            parameter.value().copy_(source[parameter.key()]);
        }
    }
    const auto buffers = run.model->named_buffers();
    for (auto& buffer : backbone.named_buffers()) {
        buffer.value().copy_(buffers[buffer.key()]);
    }
}

} // namespace

std::filesystem::path anomalyModelFile(const Project& project, std::int64_t runId) {
    return project.runsFolder() / std::to_string(runId) / "anomaly_model.pt";
}

AnomalySession::AnomalySession(Project& project, AnomalyOptions options, std::int64_t runId,
                               runs::ProjectTrainingData data, std::size_t goodClass)
    : project_(project), options_(std::move(options)), runId_(runId), data_(std::move(data)),
      goodClass_(goodClass) {}

AnomalySession::~AnomalySession() = default;

std::unique_ptr<AnomalySession> AnomalySession::create(Project& project, AnomalyOptions options) {
    validate(options);
    std::size_t goodClass = 0;
    runs::ProjectTrainingData data = anomalySamples(project, options, goodClass);
    if (!options.weights.empty() && !std::filesystem::exists(options.weights)) {
        throw Error(ErrorKind::NotFound,
                    "The weights file " + options.weights.string() + " does not exist.");
    }
    store::RunRepository runs(project.database());
    if (options.weightsFromRun != 0) {
        runs.get(options.weightsFromRun); // names the run when there is none
    }
    const auto runId =
        runs.create(toString(TaskKind::Anomaly), options.backbone,
                    static_cast<std::int64_t>(options.seed), data.datasetVersion, std::nullopt);
    auto params = toParams(options);
    params["classes"] = [&] {
        std::string lines;
        for (const auto& name : data.data.classes) {
            lines += (lines.empty() ? "" : "\n") + name;
        }
        return lines;
    }();
    params["good_class"] = data.data.classes[goodClass];
    params["dataset_fingerprint"] = data.fingerprint;
    params[runs::kSampleIdentityParam] = runs::toString(runs::SampleIdentity::StoredPath);
    params["validation_source"] = data.validationSource;
    params["train_samples"] = std::to_string(data.data.train.size());
    params["val_samples"] = std::to_string(data.data.validation.size());
    params["test_samples"] = std::to_string(data.data.test.size());
    params["kestrel_version"] = kestrelVersion();
    params["libtorch_version"] = TORCH_VERSION;
    runs.setParams(runId, params);

    const bool validationDefects =
        std::any_of(data.data.validation.begin(), data.data.validation.end(),
                    [&](const auto& s) { return static_cast<std::size_t>(s.label) != goodClass; });
    const std::string counts =
        std::to_string(data.data.train.size()) + " good training images of \"" +
        data.data.classes[goodClass] + "\"; " + std::to_string(data.data.validation.size()) +
        " validation and " + std::to_string(data.data.test.size()) + " test images.";
    auto session = std::unique_ptr<AnomalySession>(
        new AnomalySession(project, options, runId, std::move(data), goodClass));
    auto& notices = session->notices_;
    std::string layers;
    for (const int layer : featureLayers(options)) {
        layers += (layers.empty() ? "layer" : "+layer") + std::to_string(layer);
    }
    notices.push_back("Fitting " + toString(options.method) + " on " + options.backbone + "'s " +
                      layers + " at " + std::to_string(options.imageSize) + " px with " + counts);
    if (options.weightsFromRun != 0) {
        notices.push_back("The backbone takes run " + std::to_string(options.weightsFromRun) +
                          "'s best weights.");
    } else if (options.weights.empty()) {
        notices.push_back(
            "No pretrained weights: the backbone is random, so its features describe texture "
            "only roughly and results will be well below what ImageNet weights give" +
            std::string(options.recomputeBatchNorm
                            ? "; its batch-norm statistics are recomputed on the good images."
                            : ".") +
            " `kestrel-cli weights fetch " + options.backbone +
            "` (or `weights import FILE --model " + options.backbone +
            "`) keeps them, and later runs use them.");
    }
    if (!validationDefects) {
        notices.push_back("Validation has no defective image, so the threshold comes from the "
                          "good validation scores alone (the largest plus their spread); label "
                          "a few defects into the val split for a threshold set on real defects.");
    }
    return session;
}

AnomalyRunSummary AnomalySession::run(const FitProgressCallback& progress,
                                      runs::RunStoreWriter* writer) {
    const auto started = Clock::now();
    const auto folder = project_.runsFolder() / std::to_string(runId_);
    std::filesystem::create_directories(folder);
    auto lock = runs::RunLock::tryAcquire(folder);
    if (!lock) {
        throw Error(ErrorKind::Io,
                    "Run " + std::to_string(runId_) + " is being trained by another process.");
    }
    std::optional<runs::ThreadedRunStoreWriter> ownWriter;
    if (writer == nullptr) {
        writer = &ownWriter.emplace(project_.database());
    }
    AnomalyRunSummary summary;
    summary.runId = runId_;
    const std::int64_t runId = runId_;
    try {
        summary.device = models::resolveDevice(options_.device);
        runs::logRunStarted(project_.folder(), runId, false,
                            "anomaly, " + toString(options_.method) + " on " + options_.backbone +
                                " at " + std::to_string(options_.imageSize) + " px on " +
                                summary.device);
        writer->post([runId, device = summary.device](store::RunRepository& runs) {
            runs.markRunning(runId, device);
        });
        // This thread reads the project below (masks, a run's weights); a writer of our own
        // shares its connection, which must not be used from two threads at once.
        writer->flush();
        keepFreedTensorMemory();
        keepBlasOnOneThread();
        if (options_.threads > 0) {
            at::set_num_threads(options_.threads);
        }
        const runs::ProjectTrainingData& data = data_;
        const std::size_t goodClass = goodClass_;
        summary.trainImages = static_cast<std::int64_t>(data.data.train.size());
        summary.validationImages = static_cast<std::int64_t>(data.data.validation.size());
        summary.testImages = static_cast<std::int64_t>(data.data.test.size());

        torch::manual_seed(options_.seed); // the backbone's random weights, when it has no others
        auto backbone = createBackbone(options_);
        if (options_.weightsFromRun != 0) {
            loadRunWeights(project_, options_.weightsFromRun, *backbone);
        }
        const c10::Device device(summary.device);
        backbone->to(device);
        AnomalyModel model(options_, backbone);

        loader::BatchLoader train(data.data.train, loaderOptions(options_));
        const models::ModelInput input(options_.mean, options_.std, device, false);
        std::int64_t epoch = 0;
        const auto batches = [&]() -> BatchSource {
            train.startEpoch(epoch++);
            return [&]() -> std::optional<at::Tensor> {
                auto batch = train.next();
                return batch ? std::optional<at::Tensor>(input(batch->images)) : std::nullopt;
            };
        };
        const auto total = static_cast<std::int64_t>(train.batchesPerEpoch());
        const auto fitStarted = Clock::now();
        if (options_.recomputeBatchNorm) {
            recomputeBatchNormStatistics(*backbone, model.stages().back(), batches(), total,
                                         progress, &cancelled_);
        }
        model.optimiseForCpu();
        fitAnomalyModel(model, batches(), total, progress, &cancelled_);
        if (train.failureCount() > 0) {
            throw Error(ErrorKind::Io, train.failures().front().reason);
        }
        summary.fitSeconds = secondsSince(fitStarted);

        const Scored validation = scoreSamples(model, data.data.validation, goodClass, &cancelled_,
                                               progress, "validation");
        const double threshold = chooseThreshold(validation, options_.targetDefectRecall);
        const ScoreNormalisation normalisation = normalisationFor(validation, threshold);
        model.setNormalisation(normalisation);
        // Written (hundreds of MiB for PaDiM, then synced) while the test images are scored:
        // nothing below changes what it saves. The future waits for it even if scoring throws.
        auto saved =
            std::async(std::launch::async,
                       [&model, file = anomalyModelFile(project_, runId_)] { model.save(file); });
        const Scored test =
            scoreSamples(model, data.data.test, goodClass, &cancelled_, progress, "test");
        saved.get();
        std::vector<loader::LoaderSample> scoredSamples = data.data.validation;
        scoredSamples.insert(scoredSamples.end(), data.data.test.begin(), data.data.test.end());
        const auto masks = loadMasks(project_, scoredSamples, options_.imageSize);
        summary.metrics = splitMetrics(validation, masks, threshold, "val");
        for (const auto& [name, value] : splitMetrics(test, masks, threshold, "test")) {
            summary.metrics[name] = value;
        }
        summary.metrics["threshold"] = threshold;
        if (options_.method == AnomalyMethod::PatchCore) {
            summary.memoryRows = model.bank().memory.size(0);
        } else {
            summary.memoryRows = model.gaussians().mean.size(0);
        }
        summary.featureDimensions = model.featureDimension();
        summary.metrics["memory_rows"] = static_cast<double>(summary.memoryRows);
        summary.metrics["fit_seconds"] = summary.fitSeconds;
        summary.modelBytes = static_cast<std::int64_t>(
            std::filesystem::file_size(anomalyModelFile(project_, runId_)));
        summary.seconds = secondsSince(started);

        std::vector<store::MetricPoint> points;
        const double now =
            static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
        for (const auto& [name, value] : summary.metrics) {
            points.push_back({0, 1, name, value, now});
        }
        summary.validationConfusion = confusionOf(validation, threshold, "val").counts;
        writer->post([runId, points,
                      validationConfusion = confusionOf(validation, threshold, "val"),
                      testConfusion = confusionOf(test, threshold, "test"),
                      validationPredictions = predictionsOf(validation, model),
                      testPredictions = predictionsOf(test, model), hasTest = !test.scores.empty(),
                      modelPath = project_.storedPath(anomalyModelFile(project_, runId_)),
                      modelBytes = summary.modelBytes](store::RunRepository& runs) {
            runs.addMetrics(runId, points);
            runs.putConfusionMatrix(runId, validationConfusion);
            runs.putPredictions(runId, "val", validationPredictions);
            auto reviewed = reviewRecordsOf(validationPredictions, "val");
            if (hasTest) {
                runs.putConfusionMatrix(runId, testConfusion);
                runs.putPredictions(runId, "test", testPredictions);
                const auto tested = reviewRecordsOf(testPredictions, "test");
                reviewed.insert(reviewed.end(), tested.begin(), tested.end());
            }
            store::ReviewRepository(runs.database()).putSamplePredictions(runId, reviewed);
            runs.addArtifact(runId, "checkpoint", modelPath, modelBytes);
            runs.finish(runId, "completed", "");
        });
        writer->flush();
    } catch (const FitCancelled&) {
        summary.status = "cancelled";
        summary.reason = "Cancelled before the model was fitted and measured.";
    } catch (const std::exception& error) {
        summary.status = "failed";
        summary.reason = error.what();
    }
    if (summary.status != "completed") {
        writer->post([runId, status = summary.status, reason = summary.reason](
                         store::RunRepository& runs) { runs.finish(runId, status, reason); });
        writer->flush();
    }
    summary.seconds = secondsSince(started);
    runs::logRunEnded(project_.folder(), runId, summary.status, "", summary.reason);
    return summary;
}

FittedAnomalyRun loadAnomalyRun(Project& project, std::int64_t runId) {
    store::RunRepository runs(project.database());
    const auto record = runs.get(runId);
    if (record.task != toString(TaskKind::Anomaly)) {
        throw Error(ErrorKind::InvalidArgument, "Run " + std::to_string(runId) + " is a " +
                                                    record.task +
                                                    " run, not an anomaly-detection run.");
    }
    FittedAnomalyRun fitted;
    fitted.options = fromParams(runs.params(runId));
    fitted.data = anomalySamples(project, fitted.options, fitted.goodClass);
    fitted.classes = fitted.data.data.classes;
    const auto file = anomalyModelFile(project, runId);
    if (!std::filesystem::exists(file)) {
        throw Error(ErrorKind::NotFound, "Run " + std::to_string(runId) + " has no fitted model (" +
                                             file.string() + " is missing): it did not finish.");
    }
    fitted.model = std::make_shared<AnomalyModel>(fitted.options, createBackbone([&] {
                                                      auto options = fitted.options;
                                                      options.weights.clear();
                                                      return options;
                                                  }()));
    fitted.model->load(file);
    return fitted;
}

AnomalyEvaluation evaluateAnomalyRun(Project& project, FittedAnomalyRun& run,
                                     const std::string& split) {
    const auto& samples = split == "val" ? run.data.data.validation : run.data.data.test;
    if (samples.empty()) {
        throw Error(ErrorKind::InvalidArgument,
                    "The project has no " + split + " images to evaluate the run on.");
    }
    // Scored as the run scored its splits: on the CPU, through the optimised stages. The eager
    // modules agree only to float rounding, which moved the pixel AUROC by 1e-6.
    run.model->optimiseForCpu();
    const Scored scored =
        scoreSamples(*run.model, samples, run.goodClass, nullptr, {}, split.c_str());
    const auto masks = loadMasks(project, samples, run.options.imageSize);
    const double threshold = run.model->normalisation().threshold;
    AnomalyEvaluation evaluation;
    evaluation.split = split;
    evaluation.samples = static_cast<std::int64_t>(scored.scores.size());
    for (const auto& [name, value] : splitMetrics(scored, masks, threshold, split)) {
        evaluation.metrics[name.substr(split.size() + 1)] = value;
    }
    const auto counts = inspection::countsAt(scored.scores, scored.defect, threshold);
    evaluation.goodPassed = counts.trueNegatives;
    evaluation.goodRejected = counts.falsePositives;
    evaluation.defectsEscaped = counts.falseNegatives;
    evaluation.defectsCaught = counts.truePositives;
    return evaluation;
}

} // namespace kestrel::anomaly
