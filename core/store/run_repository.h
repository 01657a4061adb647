#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kestrel::store {

class Database;

struct RunRecord {
    std::int64_t id = 0;
    std::string task; // common/task_kind.h's name: "classification"
    std::string model;
    std::string status; // queued, running, completed, cancelled, failed, interrupted
    std::string device;
    std::optional<std::int64_t> seed;
    std::optional<std::int64_t> datasetVersion;
    std::optional<std::int64_t> parentRunId;
    std::string error;
    std::string notes;
    std::vector<std::string> tags;
    std::string createdAt;
    std::string startedAt;
    std::string finishedAt;
};

struct MetricPoint {
    std::int64_t step = 0;
    std::int64_t epoch = 0;
    std::string name;
    double value = 0;
    double recordedAt = 0; // Unix seconds
};

struct StoredConfusionMatrix {
    std::int64_t epoch = 0;
    std::string split;
    std::vector<std::string> classes;
    std::vector<std::int64_t> counts; // row-major, rows = true class
};

// One class's precision-recall curve at one IoU threshold, as COCO interpolates it.
struct StoredPrecisionCurve {
    std::int64_t epoch = 0;
    std::string split;
    std::string className;
    double iou = 0.5;
    std::vector<double> precision; // at recall 0, 0.01, ..., 1
};

// What a run's model said about one sample of a split, at `epoch`.
struct StoredPrediction {
    std::int64_t sampleId = 0;
    std::int64_t epoch = 0;
    std::int64_t truth = 0; // class indices in the run's class order
    std::int64_t predicted = 0;
    double confidence = 0; // softmax probability of `predicted`
    // A segmentation image's pixel confusion, classes x classes, truth-major; else empty.
    std::vector<std::int64_t> pixels;
};

// A file a run produced: a checkpoint, an export.
struct ArtifactRecord {
    std::int64_t id = 0;
    std::string kind; // checkpoint, torchscript, onnx
    std::string path;
    std::string contentHash;
    std::int64_t sizeBytes = 0;
    std::string metadata; // JSON, may be empty
    std::string createdAt;
};

// Reads and writes runs, their parameters, metrics, confusion matrices and artifacts.
// Every write method is one statement or one transaction; the caller decides which thread
// writes (one writer per process: during training that is the RunRecorder's thread).
class RunRepository {
public:
    explicit RunRepository(Database& database) : db_(database) {}
    Database& database() const { return db_; }

    // A queued run of `task` (its stored name) training `model`.
    std::int64_t create(const std::string& task, const std::string& model, std::int64_t seed,
                        std::int64_t datasetVersion, std::optional<std::int64_t> parentRunId = {});
    void setParams(std::int64_t run, const std::map<std::string, std::string>& params);
    std::map<std::string, std::string> params(std::int64_t run);

    void markRunning(std::int64_t run, const std::string& device);
    // completed, cancelled, failed or interrupted; `error` may be empty.
    void finish(std::int64_t run, const std::string& status, const std::string& error);

    void setNotes(std::int64_t run, const std::string& notes);
    // Blank tags are dropped; each is trimmed.
    void setTags(std::int64_t run, const std::vector<std::string>& tags);
    // The run and everything recorded for it (parameters, metrics, matrices, predictions,
    // artifact rows); its files are the caller's to remove. Runs started from it keep going
    // with no parent.
    void remove(std::int64_t run);

    std::optional<RunRecord> find(std::int64_t run);
    std::vector<RunRecord> list(); // oldest first
    std::int64_t count();
    // Throws kestrel::Error (NotFound) naming the run when there is none with that id.
    RunRecord get(std::int64_t run);

    void addMetrics(std::int64_t run, const std::vector<MetricPoint>& points);
    // The latest value of each metric name (highest step, then newest row).
    std::map<std::string, double> latestMetrics(std::int64_t run);
    std::vector<MetricPoint> metrics(std::int64_t run, const std::string& name);

    void putConfusionMatrix(std::int64_t run, const StoredConfusionMatrix& matrix);
    // The matrix of `split` at `epoch`, or at the latest epoch when none is given.
    std::optional<StoredConfusionMatrix> confusionMatrix(std::int64_t run, const std::string& split,
                                                         std::optional<std::int64_t> epoch = {});

    // Replaces the run's predictions for `split` with these, in one transaction.
    // Replaces the curves of the same epoch, split, class and IoU.
    void putPrecisionCurves(std::int64_t run, const std::vector<StoredPrecisionCurve>& curves);
    // The curves of one epoch (the latest with curves when none is given), in class name order.
    std::vector<StoredPrecisionCurve> precisionCurves(std::int64_t run, const std::string& split,
                                                      std::optional<std::int64_t> epoch = {});

    void putPredictions(std::int64_t run, const std::string& split,
                        const std::vector<StoredPrediction>& predictions);
    std::vector<StoredPrediction> predictions(std::int64_t run, const std::string& split);

    void addArtifact(std::int64_t run, const std::string& kind, const std::string& path,
                     std::int64_t sizeBytes, const std::string& metadataJson = {},
                     const std::string& contentHash = {});
    // Oldest first.
    std::vector<ArtifactRecord> artifacts(std::int64_t run);

private:
    Database& db_;
};

} // namespace kestrel::store
