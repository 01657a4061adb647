#include "store/review_repository.h"

#include "common/text.h"
#include "store/sqlite.h"

#include <cstdio>
#include <sstream>

namespace kestrel::store {

namespace {

std::string probabilitiesText(const std::vector<float>& probabilities) {
    std::string text;
    char number[32];
    for (const float p : probabilities) {
        std::snprintf(number, sizeof number, "%.6g", static_cast<double>(p));
        text += (text.empty() ? "" : " ") + std::string(number);
    }
    return text;
}

std::vector<float> probabilitiesFrom(const std::string& text) {
    std::vector<float> probabilities;
    std::istringstream in(text);
    float p = 0;
    while (in >> p) {
        probabilities.push_back(p);
    }
    return probabilities;
}

constexpr const char* kAuditColumns =
    "id, status, folds, model, dataset_version, classes, COALESCE(error, ''), created_at, "
    "COALESCE(finished_at, '')";

LabelAuditRecord readAudit(const Statement& row) {
    LabelAuditRecord audit;
    audit.id = row.columnInt(0);
    audit.status = row.columnText(1);
    audit.folds = static_cast<int>(row.columnInt(2));
    audit.model = row.columnText(3);
    if (!row.isNull(4)) {
        audit.datasetVersion = row.columnInt(4);
    }
    audit.classes = splitLines(row.columnText(5));
    audit.error = row.columnText(6);
    audit.createdAt = row.columnText(7);
    audit.finishedAt = row.columnText(8);
    return audit;
}

} // namespace

void ReviewRepository::putSamplePredictions(
    std::int64_t run, const std::vector<SamplePredictionRecord>& predictions) {
    Transaction transaction(db_);
    Statement erase(db_, "DELETE FROM sample_predictions WHERE run_id = ?");
    erase.bind(1, run);
    erase.run();
    Statement insert(db_, "INSERT OR REPLACE INTO sample_predictions (run_id, sample_id, split, "
                          "truth, predicted, confidence, truth_probability, margin, loss, "
                          "probabilities) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& prediction : predictions) {
        insert.bind(1, run)
            .bind(2, prediction.sampleId)
            .bind(3, prediction.split)
            .bind(4, prediction.truth)
            .bind(5, prediction.predicted)
            .bind(6, prediction.confidence)
            .bind(7, prediction.truthProbability)
            .bind(8, prediction.margin)
            .bind(9, prediction.loss)
            .bind(10, probabilitiesText(prediction.probabilities));
        insert.run();
    }
    transaction.commit();
}

std::vector<SamplePredictionRecord> ReviewRepository::samplePredictions(std::int64_t run) {
    Statement query(db_, "SELECT sample_id, split, truth, predicted, confidence, "
                         "truth_probability, margin, loss, probabilities FROM sample_predictions "
                         "WHERE run_id = ? ORDER BY sample_id");
    query.bind(1, run);
    std::vector<SamplePredictionRecord> found;
    while (query.step()) {
        SamplePredictionRecord record;
        record.sampleId = query.columnInt(0);
        record.split = query.columnText(1);
        record.truth = query.columnInt(2);
        record.predicted = query.columnInt(3);
        record.confidence = query.columnDouble(4);
        record.truthProbability = query.columnDouble(5);
        record.margin = query.columnDouble(6);
        record.loss = query.columnDouble(7);
        record.probabilities = probabilitiesFrom(query.columnText(8));
        found.push_back(std::move(record));
    }
    return found;
}

std::optional<std::int64_t> ReviewRepository::latestReviewedRun() {
    Statement query(db_, "SELECT MAX(run_id) FROM sample_predictions");
    if (query.step() && !query.isNull(0)) {
        return query.columnInt(0);
    }
    return std::nullopt;
}

std::int64_t ReviewRepository::createAudit(int folds, const std::string& model,
                                           std::optional<std::int64_t> datasetVersion,
                                           const std::vector<std::string>& classes) {
    Statement insert(db_, "INSERT INTO label_audits (folds, model, dataset_version, classes) "
                          "VALUES (?, ?, ?, ?)");
    insert.bind(1, static_cast<std::int64_t>(folds)).bind(2, model);
    if (datasetVersion) {
        insert.bind(3, *datasetVersion);
    } else {
        insert.bindNull(3);
    }
    insert.bind(4, joinLines(classes));
    insert.run();
    return db_.lastInsertRowId();
}

void ReviewRepository::finishAudit(std::int64_t audit, const std::string& status,
                                   const std::string& error,
                                   const std::vector<AuditedSample>& samples) {
    Transaction transaction(db_);
    Statement update(db_, "UPDATE label_audits SET status = ?, error = ?, "
                          "finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?");
    update.bind(1, status);
    if (error.empty()) {
        update.bindNull(2);
    } else {
        update.bind(2, error);
    }
    update.bind(3, audit);
    update.run();
    Statement insert(db_, "INSERT OR REPLACE INTO label_audit_samples (audit_id, sample_id, fold, "
                          "given, suggested, given_probability, suggested_probability, score, "
                          "flagged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& sample : samples) {
        insert.bind(1, audit)
            .bind(2, sample.sampleId)
            .bind(3, static_cast<std::int64_t>(sample.fold))
            .bind(4, sample.given)
            .bind(5, sample.suggested)
            .bind(6, sample.givenProbability)
            .bind(7, sample.suggestedProbability)
            .bind(8, sample.score)
            .bind(9, static_cast<std::int64_t>(sample.flagged ? 1 : 0));
        insert.run();
    }
    transaction.commit();
}

std::optional<LabelAuditRecord> ReviewRepository::findAudit(std::int64_t audit) {
    Statement query(db_,
                    std::string("SELECT ") + kAuditColumns + " FROM label_audits WHERE id = ?");
    query.bind(1, audit);
    if (!query.step()) {
        return std::nullopt;
    }
    return readAudit(query);
}

std::optional<LabelAuditRecord> ReviewRepository::latestCompletedAudit() {
    Statement query(db_, std::string("SELECT ") + kAuditColumns +
                             " FROM label_audits WHERE status = 'completed' ORDER BY id DESC "
                             "LIMIT 1");
    if (!query.step()) {
        return std::nullopt;
    }
    return readAudit(query);
}

std::vector<AuditedSample> ReviewRepository::auditedSamples(std::int64_t audit) {
    Statement query(db_, "SELECT sample_id, fold, given, suggested, given_probability, "
                         "suggested_probability, score, flagged FROM label_audit_samples "
                         "WHERE audit_id = ? ORDER BY score DESC, sample_id");
    query.bind(1, audit);
    std::vector<AuditedSample> found;
    while (query.step()) {
        AuditedSample sample;
        sample.sampleId = query.columnInt(0);
        sample.fold = static_cast<int>(query.columnInt(1));
        sample.given = query.columnInt(2);
        sample.suggested = query.columnInt(3);
        sample.givenProbability = query.columnDouble(4);
        sample.suggestedProbability = query.columnDouble(5);
        sample.score = query.columnDouble(6);
        sample.flagged = query.columnInt(7) != 0;
        found.push_back(sample);
    }
    return found;
}

} // namespace kestrel::store
