#include "runs/run_recorder.h"

#include <algorithm>
#include <chrono>

namespace kestrel::runs {

namespace {

double unixSeconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

store::StoredConfusionMatrix stored(const tasks::Evaluation& evaluation, std::int64_t epoch,
                                    const std::vector<std::string>& classes) {
    std::vector<std::string> names = classes;
    // Detection's matrix has a background row and column after the classes.
    if (evaluation.confusion.classes() == static_cast<int>(names.size()) + 1) {
        names.emplace_back("background");
    }
    return {epoch, evaluation.split, std::move(names), evaluation.confusion.counts()};
}

// A detector's precision-recall curves at IoU 0.50, one per class with boxes that count.
std::vector<store::StoredPrecisionCurve> curvesOf(const tasks::Evaluation& evaluation,
                                                  std::int64_t epoch,
                                                  const std::vector<std::string>& classes) {
    std::vector<store::StoredPrecisionCurve> curves;
    if (!evaluation.coco) {
        return curves;
    }
    for (const auto& category : evaluation.coco->categories) {
        if (category.precision.empty() || category.category < 0 ||
            category.category >= static_cast<int>(classes.size())) {
            continue;
        }
        const auto& atHalf = category.precision.front();
        curves.push_back({epoch, evaluation.split,
                          classes[static_cast<std::size_t>(category.category)], 0.5,
                          std::vector<double>(atHalf.begin(), atHalf.end())});
    }
    return curves;
}

} // namespace

RunRecorder::RunRecorder(RunStoreWriter& writer, std::int64_t run, int batchLossEvery)
    : writer_(writer), run_(run), batchLossEvery_(std::max(batchLossEvery, 1)) {}

void RunRecorder::post(RunStoreWriter::Task task) {
    writer_.post(std::move(task));
}

void RunRecorder::queueMetrics(std::vector<store::MetricPoint> points) {
    if (points.empty()) {
        return;
    }
    const std::int64_t run = run_;
    post([run, points = std::move(points)](store::RunRepository& runs) {
        runs.addMetrics(run, points);
    });
}

void RunRecorder::flush() {
    writer_.flush();
}

void RunRecorder::started(const train::TrainingStarted& event) {
    classes_ = event.classes;
    const std::int64_t run = run_;
    post([run, device = event.device](store::RunRepository& runs) {
        runs.markRunning(run, device);
    });
}

void RunRecorder::batchDone(const train::BatchDone& event) {
    if (event.batch % batchLossEvery_ == 0) {
        pendingBatchLosses_.push_back(
            {event.step, event.epoch, "batch_loss", event.loss, unixSeconds()});
    }
    if (pendingBatchLosses_.size() >= 20) {
        queueMetrics(std::move(pendingBatchLosses_));
        pendingBatchLosses_.clear();
    }
}

void RunRecorder::epochDone(const train::EpochDone& event) {
    std::vector<store::MetricPoint> points = std::move(pendingBatchLosses_);
    pendingBatchLosses_.clear();
    const double now = unixSeconds();
    for (const auto& [name, value] : event.metrics) {
        points.push_back({event.step, event.epoch, name, value, now});
    }
    queueMetrics(std::move(points));
    if (event.validation) {
        const std::int64_t run = run_;
        post([run, matrix = stored(*event.validation, event.epoch, classes_),
              curves =
                  curvesOf(*event.validation, event.epoch, classes_)](store::RunRepository& runs) {
            runs.putConfusionMatrix(run, matrix);
            if (!curves.empty()) {
                runs.putPrecisionCurves(run, curves);
            }
        });
    }
    if (!event.validationPredictions.empty()) {
        std::vector<store::StoredPrediction> predictions;
        predictions.reserve(event.validationPredictions.size());
        for (const auto& prediction : event.validationPredictions) {
            if (prediction.sampleId > 0) {
                predictions.push_back({prediction.sampleId, event.epoch, prediction.truth,
                                       prediction.predicted, prediction.confidence,
                                       prediction.pixels});
            }
        }
        post([run = run_, predictions = std::move(predictions)](store::RunRepository& runs) {
            runs.putPredictions(run, "val", predictions);
        });
    }
}

void RunRecorder::finished(const train::TrainingFinished& event) {
    std::vector<store::MetricPoint> points = std::move(pendingBatchLosses_);
    pendingBatchLosses_.clear();
    const double now = unixSeconds();
    const std::int64_t lastEpoch = std::max<std::int64_t>(event.epochsDone - 1, 0);
    for (const auto& [name, value] : event.finalMetrics) {
        points.push_back({0, lastEpoch, name, value, now});
    }
    queueMetrics(std::move(points));
    const std::int64_t run = run_;
    if (event.test) {
        post([run, matrix = stored(*event.test, lastEpoch, classes_),
              curves = curvesOf(*event.test, lastEpoch, classes_)](store::RunRepository& runs) {
            runs.putConfusionMatrix(run, matrix);
            if (!curves.empty()) {
                runs.putPrecisionCurves(run, curves);
            }
        });
    }
    post([run, status = train::toString(event.status),
          reason = event.reason](store::RunRepository& runs) { runs.finish(run, status, reason); });
}

} // namespace kestrel::runs
