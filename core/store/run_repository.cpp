#include "store/run_repository.h"

#include "common/error.h"
#include "common/text.h"
#include "store/sqlite.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace kestrel::store {

namespace {

constexpr const char* kRunColumns =
    "id, model, status, COALESCE(device, ''), seed, dataset_version, parent_run_id, "
    "COALESCE(error, ''), COALESCE(notes, ''), COALESCE(tags, ''), created_at, "
    "COALESCE(started_at, ''), COALESCE(finished_at, ''), task";

constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

std::optional<std::int64_t> optionalInt(const Statement& row, int column) {
    if (row.isNull(column)) {
        return std::nullopt;
    }
    return row.columnInt(column);
}

RunRecord readRun(const Statement& row) {
    RunRecord run;
    run.id = row.columnInt(0);
    run.model = row.columnText(1);
    run.status = row.columnText(2);
    run.device = row.columnText(3);
    run.seed = optionalInt(row, 4);
    run.datasetVersion = optionalInt(row, 5);
    run.parentRunId = optionalInt(row, 6);
    run.error = row.columnText(7);
    run.notes = row.columnText(8);
    run.tags = splitLines(row.columnText(9));
    run.createdAt = row.columnText(10);
    run.startedAt = row.columnText(11);
    run.finishedAt = row.columnText(12);
    run.task = row.columnText(13);
    return run;
}

} // namespace

std::int64_t RunRepository::create(const std::string& task, const std::string& model,
                                   std::int64_t seed, std::int64_t datasetVersion,
                                   std::optional<std::int64_t> parentRunId) {
    Statement insert(db_, "INSERT INTO runs (task, model, status, seed, dataset_version, "
                          "parent_run_id) VALUES (?, ?, 'queued', ?, ?, ?)");
    insert.bind(1, task).bind(2, model).bind(3, seed).bind(4, datasetVersion);
    if (parentRunId) {
        insert.bind(5, *parentRunId);
    } else {
        insert.bindNull(5);
    }
    insert.run();
    return db_.lastInsertRowId();
}

void RunRepository::setParams(std::int64_t run, const std::map<std::string, std::string>& params) {
    Transaction transaction(db_);
    Statement upsert(db_, "INSERT INTO run_params (run_id, name, value) VALUES (?, ?, ?) "
                          "ON CONFLICT (run_id, name) DO UPDATE SET value = excluded.value");
    for (const auto& [name, value] : params) {
        upsert.bind(1, run).bind(2, name).bind(3, value);
        upsert.run();
    }
    transaction.commit();
}

std::map<std::string, std::string> RunRepository::params(std::int64_t run) {
    Statement query(db_, "SELECT name, value FROM run_params WHERE run_id = ?");
    query.bind(1, run);
    std::map<std::string, std::string> params;
    while (query.step()) {
        params[query.columnText(0)] = query.columnText(1);
    }
    return params;
}

void RunRepository::markRunning(std::int64_t run, const std::string& device) {
    Statement update(db_,
                     std::string("UPDATE runs SET status = 'running', device = ?, error = "
                                 "NULL, finished_at = NULL, started_at = COALESCE(started_at, ") +
                         kNow + ") WHERE id = ?");
    update.bind(1, device).bind(2, run);
    update.run();
}

void RunRepository::finish(std::int64_t run, const std::string& status, const std::string& error) {
    Statement update(db_, std::string("UPDATE runs SET status = ?, error = ?, finished_at = ") +
                              kNow + " WHERE id = ?");
    update.bind(1, status);
    if (error.empty()) {
        update.bindNull(2);
    } else {
        update.bind(2, error);
    }
    update.bind(3, run);
    update.run();
}

void RunRepository::setNotes(std::int64_t run, const std::string& notes) {
    Statement update(db_, "UPDATE runs SET notes = ? WHERE id = ?");
    update.bind(1, notes).bind(2, run);
    update.run();
}

void RunRepository::setTags(std::int64_t run, const std::vector<std::string>& tags) {
    std::string joined;
    for (const auto& tag : tags) {
        const std::string clean = trimmed(tag);
        if (!clean.empty() && clean.find('\n') == std::string::npos) {
            joined += (joined.empty() ? "" : "\n") + clean;
        }
    }
    Statement update(db_, "UPDATE runs SET tags = ? WHERE id = ?");
    update.bind(1, joined).bind(2, run);
    update.run();
}

void RunRepository::remove(std::int64_t run) {
    Statement erase(db_, "DELETE FROM runs WHERE id = ?");
    erase.bind(1, run);
    erase.run();
}

std::optional<RunRecord> RunRepository::find(std::int64_t run) {
    Statement query(db_, std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?");
    query.bind(1, run);
    if (!query.step()) {
        return std::nullopt;
    }
    return readRun(query);
}

std::int64_t RunRepository::count() {
    return db_.queryInt("SELECT count(*) FROM runs");
}

RunRecord RunRepository::get(std::int64_t run) {
    auto found = find(run);
    if (!found) {
        throw Error(ErrorKind::NotFound, "There is no run " + std::to_string(run) + " in " +
                                             db_.file().string() +
                                             "; `kestrel-cli runs` lists them.");
    }
    return *found;
}

std::vector<RunRecord> RunRepository::list() {
    Statement query(db_, std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY id");
    std::vector<RunRecord> runs;
    while (query.step()) {
        runs.push_back(readRun(query));
    }
    return runs;
}

void RunRepository::addMetrics(std::int64_t run, const std::vector<MetricPoint>& points) {
    Transaction transaction(db_);
    Statement insert(db_, "INSERT INTO metrics (run_id, step, epoch, name, value, recorded_at) "
                          "VALUES (?, ?, ?, ?, ?, ?)");
    for (const auto& point : points) {
        insert.bind(1, run)
            .bind(2, point.step)
            .bind(3, point.epoch)
            .bind(4, point.name)
            .bind(5, point.value)
            .bind(6, point.recordedAt);
        insert.run();
    }
    transaction.commit();
}

std::map<std::string, double> RunRepository::latestMetrics(std::int64_t run) {
    // Rows are appended in time order, so the highest id per name is the latest value.
    Statement query(db_, "SELECT name, value FROM metrics WHERE id IN "
                         "(SELECT MAX(id) FROM metrics WHERE run_id = ? GROUP BY name)");
    query.bind(1, run);
    std::map<std::string, double> latest;
    while (query.step()) {
        latest[query.columnText(0)] = query.columnDouble(1);
    }
    return latest;
}

std::vector<MetricPoint> RunRepository::metrics(std::int64_t run, const std::string& name) {
    Statement query(db_, "SELECT step, epoch, name, value, recorded_at FROM metrics "
                         "WHERE run_id = ? AND name = ? ORDER BY id");
    query.bind(1, run).bind(2, name);
    std::vector<MetricPoint> points;
    while (query.step()) {
        points.push_back({query.columnInt(0), query.columnInt(1), query.columnText(2),
                          query.columnDouble(3), query.columnDouble(4)});
    }
    return points;
}

void RunRepository::putConfusionMatrix(std::int64_t run, const StoredConfusionMatrix& matrix) {
    Statement upsert(db_, "INSERT OR REPLACE INTO confusion_matrices "
                          "(run_id, epoch, split, classes, counts) VALUES (?, ?, ?, ?, ?)");
    upsert.bind(1, run)
        .bind(2, matrix.epoch)
        .bind(3, matrix.split)
        .bind(4, nlohmann::json(matrix.classes).dump())
        .bind(5, nlohmann::json(matrix.counts).dump());
    upsert.run();
}

std::optional<StoredConfusionMatrix>
RunRepository::confusionMatrix(std::int64_t run, const std::string& split,
                               std::optional<std::int64_t> epoch) {
    Statement query(db_, "SELECT epoch, classes, counts FROM confusion_matrices "
                         "WHERE run_id = ? AND split = ? AND (? IS NULL OR epoch = ?) "
                         "ORDER BY epoch DESC LIMIT 1");
    query.bind(1, run).bind(2, split);
    if (epoch) {
        query.bind(3, *epoch).bind(4, *epoch);
    } else {
        query.bindNull(3).bindNull(4);
    }
    if (!query.step()) {
        return std::nullopt;
    }
    StoredConfusionMatrix matrix;
    matrix.epoch = query.columnInt(0);
    matrix.split = split;
    matrix.classes = nlohmann::json::parse(query.columnText(1)).get<std::vector<std::string>>();
    matrix.counts = nlohmann::json::parse(query.columnText(2)).get<std::vector<std::int64_t>>();
    return matrix;
}

void RunRepository::putPrecisionCurves(std::int64_t run,
                                       const std::vector<StoredPrecisionCurve>& curves) {
    Transaction transaction(db_);
    Statement upsert(db_,
                     "INSERT OR REPLACE INTO precision_curves "
                     "(run_id, epoch, split, class, iou, precision) VALUES (?, ?, ?, ?, ?, ?)");
    for (const auto& curve : curves) {
        upsert.bind(1, run)
            .bind(2, curve.epoch)
            .bind(3, curve.split)
            .bind(4, curve.className)
            .bind(5, curve.iou)
            .bind(6, nlohmann::json(curve.precision).dump());
        upsert.run();
    }
    transaction.commit();
}

std::vector<StoredPrecisionCurve>
RunRepository::precisionCurves(std::int64_t run, const std::string& split,
                               std::optional<std::int64_t> epoch) {
    Statement query(db_, "SELECT epoch, class, iou, precision FROM precision_curves "
                         "WHERE run_id = ?1 AND split = ?2 AND epoch = COALESCE(?3, "
                         "(SELECT MAX(epoch) FROM precision_curves WHERE run_id = ?1 AND "
                         "split = ?2)) ORDER BY class, iou");
    query.bind(1, run).bind(2, split);
    if (epoch) {
        query.bind(3, *epoch);
    } else {
        query.bindNull(3);
    }
    std::vector<StoredPrecisionCurve> curves;
    while (query.step()) {
        StoredPrecisionCurve curve;
        curve.epoch = query.columnInt(0);
        curve.split = split;
        curve.className = query.columnText(1);
        curve.iou = query.columnDouble(2);
        curve.precision = nlohmann::json::parse(query.columnText(3)).get<std::vector<double>>();
        curves.push_back(std::move(curve));
    }
    return curves;
}

void RunRepository::putPredictions(std::int64_t run, const std::string& split,
                                   const std::vector<StoredPrediction>& predictions) {
    Transaction transaction(db_);
    Statement erase(db_, "DELETE FROM run_predictions WHERE run_id = ? AND split = ?");
    erase.bind(1, run).bind(2, split);
    erase.run();
    Statement insert(
        db_, "INSERT OR REPLACE INTO run_predictions (run_id, split, sample_id, "
             "epoch, truth, predicted, confidence, pixels) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& prediction : predictions) {
        insert.bind(1, run)
            .bind(2, split)
            .bind(3, prediction.sampleId)
            .bind(4, prediction.epoch)
            .bind(5, prediction.truth)
            .bind(6, prediction.predicted)
            .bind(7, prediction.confidence);
        if (prediction.pixels.empty()) {
            insert.bindNull(8);
        } else {
            insert.bind(8, nlohmann::json(prediction.pixels).dump());
        }
        insert.run();
    }
    transaction.commit();
}

std::vector<StoredPrediction> RunRepository::predictions(std::int64_t run,
                                                         const std::string& split) {
    Statement query(db_, "SELECT sample_id, epoch, truth, predicted, confidence, pixels "
                         "FROM run_predictions WHERE run_id = ? AND split = ? ORDER BY sample_id");
    query.bind(1, run).bind(2, split);
    std::vector<StoredPrediction> found;
    while (query.step()) {
        found.push_back(
            {query.columnInt(0), query.columnInt(1), query.columnInt(2), query.columnInt(3),
             query.columnDouble(4),
             query.isNull(5)
                 ? std::vector<std::int64_t>{}
                 : nlohmann::json::parse(query.columnText(5)).get<std::vector<std::int64_t>>()});
    }
    return found;
}

void RunRepository::addArtifact(std::int64_t run, const std::string& kind, const std::string& path,
                                std::int64_t sizeBytes, const std::string& metadataJson,
                                const std::string& contentHash) {
    Statement insert(db_, "INSERT INTO artifacts (run_id, kind, path, size_bytes, metadata, "
                          "content_hash) VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, run).bind(2, kind).bind(3, path).bind(4, sizeBytes);
    if (metadataJson.empty()) {
        insert.bindNull(5);
    } else {
        insert.bind(5, metadataJson);
    }
    if (contentHash.empty()) {
        insert.bindNull(6);
    } else {
        insert.bind(6, contentHash);
    }
    insert.run();
}

std::vector<ArtifactRecord> RunRepository::artifacts(std::int64_t run) {
    Statement query(db_, "SELECT id, kind, path, content_hash, size_bytes, metadata, created_at "
                         "FROM artifacts WHERE run_id = ? ORDER BY id");
    query.bind(1, run);
    std::vector<ArtifactRecord> found;
    while (query.step()) {
        ArtifactRecord artifact;
        artifact.id = query.columnInt(0);
        artifact.kind = query.columnText(1);
        artifact.path = query.columnText(2);
        artifact.contentHash = query.isNull(3) ? "" : query.columnText(3);
        artifact.sizeBytes = query.isNull(4) ? 0 : query.columnInt(4);
        artifact.metadata = query.isNull(5) ? "" : query.columnText(5);
        artifact.createdAt = query.columnText(6);
        found.push_back(artifact);
    }
    return found;
}

} // namespace kestrel::store
