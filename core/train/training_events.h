#pragma once

#include "models/weight_import.h"
#include "tasks/evaluation.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kestrel::train {

struct TrainingStarted {
    std::string device;          // "cpu" or "cuda:0 (NVIDIA H100 ...)"
    std::int64_t firstEpoch = 0; // > 0 when resuming
    std::int64_t epochs = 0;
    std::int64_t batchesPerEpoch = 0;
    std::int64_t trainSamples = 0;
    std::int64_t validationSamples = 0;
    std::vector<std::string> classes;
    // Set when the run starts from --init-weights: what the import did (not on resume,
    // where the checkpoint holds the weights).
    std::optional<models::WeightImport> weightImport;
};

struct BatchDone {
    std::int64_t epoch = 0;
    std::int64_t batch = 0; // within the epoch, from 0
    std::int64_t batchesPerEpoch = 0;
    std::int64_t step = 0; // optimizer steps since the run began
    double loss = 0;
    double learningRate = 0;
    double imagesPerSecond = 0; // over the epoch so far
    bool skipped = false;       // fp16 overflow: the loss scaler skipped this step
};

// What the model said about one validation sample; the id is the project's sample (0 for
// data that does not come from a project).
struct SamplePrediction {
    std::int64_t sampleId = 0;
    std::int64_t truth = 0; // class indices
    std::int64_t predicted = 0;
    float confidence = 0;             // softmax probability of `predicted`
    std::vector<std::int64_t> pixels; // segmentation: tasks::Prediction::pixels
};

struct EpochDone {
    std::int64_t epoch = 0;
    std::int64_t step = 0;
    // Named figures as they go to the store: train_loss, train_accuracy, val_loss,
    // val_accuracy, val_macro_f1, val_precision/<class>, ..., lr, images_per_second.
    std::map<std::string, double> metrics;
    std::optional<tasks::Evaluation> validation;
    std::vector<SamplePrediction> validationPredictions; // one per validation sample
    bool improved = false; // the validation metric is the best so far; "best" was saved
    double seconds = 0;
};

struct CheckpointSaved {
    std::int64_t epoch = 0;
    std::filesystem::path file;
    std::string kind; // "last" or "best"
};

struct TrainingFinished {
    // Interrupted: a data-parallel run lost one of its ranks; it resumes from its last
    // checkpoint, as a run whose process was killed does.
    enum class Status { Completed, Cancelled, Failed, Interrupted };
    Status status = Status::Completed;
    std::string reason; // one sentence when cancelled or failed
    std::int64_t epochsDone = 0;
    std::int64_t bestEpoch = -1;
    double bestMetric = 0;
    // The best checkpoint on the test split, when the project has one and training did not fail.
    std::optional<tasks::Evaluation> test;
    // test_accuracy, test_macro_f1, ... (and val_* for a run of 0 epochs)
    std::map<std::string, double> finalMetrics;
};

std::string toString(TrainingFinished::Status status);

// Receives a run's events on the training thread, in order. Implementations return quickly
// (queue the work elsewhere): the next batch waits for them.
class TrainingObserver {
public:
    virtual ~TrainingObserver() = default;
    virtual void started(const TrainingStarted&) {}
    virtual void batchDone(const BatchDone&) {}
    virtual void epochDone(const EpochDone&) {}
    virtual void checkpointSaved(const CheckpointSaved&) {}
    virtual void finished(const TrainingFinished&) {}
};

// Ignores every event.
class NullObserver : public TrainingObserver {};

// Sends each event to `first`, then to `second`.
class ObserverPair : public TrainingObserver {
public:
    ObserverPair(TrainingObserver& first, TrainingObserver& second)
        : first_(first), second_(second) {}
    void started(const TrainingStarted& event) override;
    void batchDone(const BatchDone& event) override;
    void epochDone(const EpochDone& event) override;
    void checkpointSaved(const CheckpointSaved& event) override;
    void finished(const TrainingFinished& event) override;

private:
    TrainingObserver& first_;
    TrainingObserver& second_;
};

} // namespace kestrel::train
