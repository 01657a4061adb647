#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kestrel::store {

class Database;

// What a run's best checkpoint says about one sample. Class indices are in the run's class
// order (its `classes` parameter).
struct SamplePredictionRecord {
    std::int64_t sampleId = 0;
    std::string split; // train, val or test, as the run used the sample
    std::int64_t truth = 0;
    std::int64_t predicted = 0;
    double confidence = 0;       // probability of `predicted`
    double truthProbability = 0; // probability of the given label
    double margin = 0;           // top probability minus the runner-up's
    double loss = 0;             // cross-entropy of the given label
    std::vector<float> probabilities;
};

struct LabelAuditRecord {
    std::int64_t id = 0;
    std::string status; // running, completed, cancelled, failed
    int folds = 0;
    std::string model;
    std::optional<std::int64_t> datasetVersion;
    std::vector<std::string> classes;
    std::string error;
    std::string createdAt;
    std::string finishedAt;
};

// One audited sample: the out-of-fold model's view of its given label.
struct AuditedSample {
    std::int64_t sampleId = 0;
    int fold = 0;
    std::int64_t given = 0; // class indices in the audit's class order
    std::int64_t suggested = 0;
    double givenProbability = 0;
    double suggestedProbability = 0;
    double score = 0; // higher: more likely mislabelled
    bool flagged = false;
};

// Reads and writes what review needs: every sample's predictions per run and label audits.
// Each write is one transaction; the caller decides which thread writes.
class ReviewRepository {
public:
    explicit ReviewRepository(Database& database) : db_(database) {}

    // Replaces run `run`'s sample predictions with these.
    void putSamplePredictions(std::int64_t run,
                              const std::vector<SamplePredictionRecord>& predictions);
    // Ordered by sample id; empty when the run has none (yet).
    std::vector<SamplePredictionRecord> samplePredictions(std::int64_t run);
    // The newest run with sample predictions, if any.
    std::optional<std::int64_t> latestReviewedRun();

    std::int64_t createAudit(int folds, const std::string& model,
                             std::optional<std::int64_t> datasetVersion,
                             const std::vector<std::string>& classes);
    // completed, cancelled or failed; with the audited samples when completed.
    void finishAudit(std::int64_t audit, const std::string& status, const std::string& error,
                     const std::vector<AuditedSample>& samples = {});
    std::optional<LabelAuditRecord> findAudit(std::int64_t audit);
    // The newest completed audit, if any.
    std::optional<LabelAuditRecord> latestCompletedAudit();
    // Highest score first.
    std::vector<AuditedSample> auditedSamples(std::int64_t audit);

private:
    Database& db_;
};

} // namespace kestrel::store
