#include "review/run_predictions.h"

#include "models/device.h"
#include "models/model_registry.h"
#include "review/sample_probabilities.h"
#include "runs/run_store_writer.h"
#include "runs/training_session.h"
#include "store/review_repository.h"
#include "tasks/task.h"
#include "train/checkpoint.h"
#include "train/trainer.h"

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace kestrel::review {

const char* const kReviewScoringStopped =
    "Scoring the images for review was stopped before it ended; the run has no review figures.";

std::optional<RunOperatingPoint> recordRunPredictions(const runs::TrainingSession& session,
                                                      runs::RunStoreWriter& writer,
                                                      const ReviewScoring& scoring) {
    const auto checkpoint = train::Trainer::bestCheckpoint(session.runFolder());
    if (!std::filesystem::exists(checkpoint)) {
        return std::nullopt;
    }
    const std::int64_t runId = session.runId();
    const train::TrainOptions& options = session.options();
    const train::TrainingData& data = session.data().data;
    std::vector<store::SamplePredictionRecord> records;
    std::optional<RunOperatingPoint> operatingPoint;
    bool stopped = false;
    try {
        auto model =
            tasks::taskFor(options.task)
                .createModel(train::modelSpec(options, static_cast<int>(data.classes.size())));
        train::loadCheckpoint(checkpoint, *model, nullptr, false);
        const std::pair<const char*, const std::vector<loader::LoaderSample>*> splits[] = {
            {"train", &data.train}, {"val", &data.validation}, {"test", &data.test}};
        const std::string device = models::resolveDevice(options.device);
        const std::size_t total = data.train.size() + data.validation.size() + data.test.size();
        std::size_t before = 0; // scored in the splits before this one
        for (const auto& [split, samples] : splits) {
            std::function<void(std::size_t)> scored;
            if (scoring.progress) {
                scored = [&scoring, before, total](std::size_t done) {
                    scoring.progress(before + done, total);
                };
            }
            const auto scores =
                scoreSamples(*model, *samples, options, device, scoring.stop, scored);
            before += samples->size();
            if (scoring.stop != nullptr && scoring.stop->load()) {
                stopped = true;
                break;
            }
            for (std::size_t i = 0; i < scores.size(); ++i) {
                const auto& score = scores[i];
                if (score.probabilities.empty() || (*samples)[i].sampleId <= 0) {
                    continue; // unreadable now, or not a project sample
                }
                records.push_back({(*samples)[i].sampleId, split, score.truth, score.predicted,
                                   score.confidence, score.truthProbability, score.margin,
                                   score.loss, score.probabilities});
            }
        }
        if (!stopped) {
            operatingPoint = operatingPointFor(records, data.classes, options.goodClass,
                                               options.targetDefectRecall);
        }
    } catch (const std::exception& error) {
        writer.post([runId, reason = std::string(error.what())](store::RunRepository& runs) {
            runs.setParams(runId, {{"review_error", reason}});
        });
        return std::nullopt;
    }
    if (stopped) {
        writer.post([runId](store::RunRepository& runs) {
            runs.setParams(runId, {{"review_error", kReviewScoringStopped}});
        });
        return std::nullopt;
    }
    writer.post([runId, records = std::move(records)](store::RunRepository& runs) {
        store::ReviewRepository(runs.database()).putSamplePredictions(runId, records);
    });
    if (operatingPoint) {
        writer.post([runId, params = operatingPointParams(*operatingPoint),
                     metrics = operatingPointMetrics(*operatingPoint)](store::RunRepository& runs) {
            runs.setParams(runId, params);
            runs.addMetrics(runId, metrics);
        });
    }
    return operatingPoint;
}

} // namespace kestrel::review
