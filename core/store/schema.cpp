// The project schema, one migration per version. Append new steps; never edit a step that
// has shipped, because existing projects have already run it.
#include "store/migrations.h"

namespace kestrel::store {

namespace {

// Version 1: the foundation. Times are UTC: ISO-8601 text for things people read, Unix
// seconds (REAL) for metrics, which are written often and plotted.
constexpr const char* kSchemaV1 = R"sql(
PRAGMA application_id = 1263752274; -- 'KSTR', see kProjectApplicationId

CREATE TABLE project (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    name            TEXT NOT NULL,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    kestrel_version TEXT NOT NULL,
    -- bumped whenever samples, labels or splits change; runs record the value they saw
    dataset_version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE classes (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    color      TEXT,
    hotkey     INTEGER CHECK (hotkey BETWEEN 1 AND 9),
    position   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE samples (
    id            INTEGER PRIMARY KEY,
    -- relative to the project folder when the image lies inside it, else absolute
    path          TEXT NOT NULL UNIQUE,
    -- xxHash of the file's bytes, so moved folders can be re-linked and duplicates found
    content_hash  TEXT,
    width         INTEGER CHECK (width > 0),
    height        INTEGER CHECK (height > 0),
    channels      INTEGER CHECK (channels > 0),
    split         TEXT CHECK (split IN ('train', 'val', 'test')),
    status        TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'unreadable', 'missing')),
    status_reason TEXT,
    added_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX samples_by_hash ON samples(content_hash);
CREATE INDEX samples_by_split ON samples(split);

-- One class label per sample (classification). Boxes and masks get their own tables.
CREATE TABLE labels (
    sample_id  INTEGER PRIMARY KEY REFERENCES samples(id) ON DELETE CASCADE,
    class_id   INTEGER NOT NULL REFERENCES classes(id) ON DELETE RESTRICT,
    source     TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'import', 'model')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;
CREATE INDEX labels_by_class ON labels(class_id);

CREATE TABLE runs (
    id              INTEGER PRIMARY KEY,
    name            TEXT,
    model           TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'completed', 'cancelled', 'failed',
                                      'interrupted')),
    device          TEXT,
    seed            INTEGER,
    dataset_version INTEGER,
    parent_run_id   INTEGER REFERENCES runs(id) ON DELETE SET NULL,
    error           TEXT,
    notes           TEXT,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    started_at      TEXT,
    finished_at     TEXT
);

CREATE TABLE run_params (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (run_id, name)
) WITHOUT ROWID;

CREATE TABLE metrics (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step        INTEGER NOT NULL,
    epoch       INTEGER NOT NULL,
    name        TEXT NOT NULL,
    value       REAL NOT NULL,
    recorded_at REAL NOT NULL
);
CREATE INDEX metrics_by_run ON metrics(run_id, name, step);

-- Class names are copied in run order, so renaming or deleting a class later does not
-- change what an old run's matrix says. counts is row-major JSON: rows = true class.
CREATE TABLE confusion_matrices (
    run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch   INTEGER NOT NULL,
    split   TEXT NOT NULL CHECK (split IN ('train', 'val', 'test')),
    classes TEXT NOT NULL CHECK (json_valid(classes)),
    counts  TEXT NOT NULL CHECK (json_valid(counts)),
    PRIMARY KEY (run_id, epoch, split)
) WITHOUT ROWID;

CREATE TABLE artifacts (
    id           INTEGER PRIMARY KEY,
    run_id       INTEGER REFERENCES runs(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    path         TEXT NOT NULL,
    content_hash TEXT,
    size_bytes   INTEGER,
    metadata     TEXT CHECK (metadata IS NULL OR json_valid(metadata)),
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX artifacts_by_run ON artifacts(run_id);
)sql";

// Version 2: annotations on a sample beyond its class label. Masks (MVTec ground truth)
// point at an image file; boxes and polygons keep their geometry as JSON in pixels.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE annotations (
    id         INTEGER PRIMARY KEY,
    sample_id  INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    class_id   INTEGER REFERENCES classes(id) ON DELETE SET NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('mask', 'box', 'polygon')),
    geometry   TEXT CHECK (geometry IS NULL OR json_valid(geometry)),
    path       TEXT,
    source     TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'import', 'model')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK ((kind = 'mask') = (path IS NOT NULL))
);
CREATE INDEX annotations_by_sample ON annotations(sample_id);
)sql";

// Version 3: duplicate detection groups readable samples by hash. With status in the index
// the grouping reads the index alone; without it, 100,000 samples cost 100,000 row lookups
// (250 ms), paid each time a project opens.
constexpr const char* kSchemaV3 = R"sql(
DROP INDEX samples_by_hash;
CREATE INDEX samples_by_hash ON samples(content_hash, status);
)sql";

// Version 4: what the window needs to compare runs and explain a confusion matrix. Tags are
// one per line. Predictions keep the latest validation epoch of each run, so a confusion
// matrix cell can list its samples after the run has ended.
constexpr const char* kSchemaV4 = R"sql(
ALTER TABLE runs ADD COLUMN tags TEXT;
CREATE TABLE run_predictions (
    run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    split      TEXT NOT NULL,
    sample_id  INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    epoch      INTEGER NOT NULL,
    truth      INTEGER NOT NULL, -- class indices in the run's class order
    predicted  INTEGER NOT NULL,
    confidence REAL NOT NULL,    -- softmax probability of the predicted class
    PRIMARY KEY (run_id, split, sample_id)
) WITHOUT ROWID;
CREATE INDEX run_predictions_by_sample ON run_predictions(sample_id);
)sql";

// Version 5: review. `sample_predictions` holds what a run's best checkpoint says about every
// sample it could see (all three splits), written once after the run; the browser sorts and
// filters by it. `label_audits` are out-of-fold jobs that rank samples whose given label their
// models find unlikely; `label_audit_samples` keeps one row per audited sample.
constexpr const char* kSchemaV5 = R"sql(
CREATE TABLE sample_predictions (
    run_id            INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    sample_id         INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    split             TEXT NOT NULL,    -- the split the run used the sample in
    truth             INTEGER NOT NULL, -- class indices in the run's class order
    predicted         INTEGER NOT NULL,
    confidence        REAL NOT NULL,    -- probability of the predicted class
    truth_probability REAL NOT NULL,
    margin            REAL NOT NULL,    -- top probability minus the runner-up's
    loss              REAL NOT NULL,    -- cross-entropy of the given label
    probabilities     TEXT NOT NULL,    -- one per class, space-separated
    PRIMARY KEY (run_id, sample_id)
) WITHOUT ROWID;
CREATE INDEX sample_predictions_by_sample ON sample_predictions(sample_id);

CREATE TABLE label_audits (
    id              INTEGER PRIMARY KEY,
    status          TEXT NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'completed', 'cancelled', 'failed')),
    folds           INTEGER NOT NULL,
    model           TEXT NOT NULL,
    dataset_version INTEGER,
    classes         TEXT NOT NULL, -- one per line: the order of the class indices below
    error           TEXT,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at     TEXT
);

CREATE TABLE label_audit_samples (
    audit_id              INTEGER NOT NULL REFERENCES label_audits(id) ON DELETE CASCADE,
    sample_id             INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    fold                  INTEGER NOT NULL,
    given                 INTEGER NOT NULL, -- class indices in the audit's order
    suggested             INTEGER NOT NULL,
    given_probability     REAL NOT NULL,    -- out of fold
    suggested_probability REAL NOT NULL,
    score                 REAL NOT NULL,    -- higher: more likely mislabelled
    flagged               INTEGER NOT NULL, -- 1: a likely label error
    PRIMARY KEY (audit_id, sample_id)
) WITHOUT ROWID;
)sql";

// What each run's model is for (common/task_kind.h names the values). Every run before this
// step trained a classifier.
constexpr const char* kSchemaV6 = R"sql(
ALTER TABLE runs ADD COLUMN task TEXT NOT NULL DEFAULT 'classification';
)sql";

// Shapes drawn in the window: a mask may keep its RLE in `geometry` instead of a file, and
// any shape can be hidden. SQLite cannot change a CHECK, so the table is rebuilt.
constexpr const char* kSchemaV7 = R"sql(
CREATE TABLE annotations_v7 (
    id         INTEGER PRIMARY KEY,
    sample_id  INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    class_id   INTEGER REFERENCES classes(id) ON DELETE SET NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('mask', 'box', 'polygon')),
    geometry   TEXT CHECK (geometry IS NULL OR json_valid(geometry)),
    path       TEXT,
    hidden     INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    source     TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'import', 'model')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (CASE kind WHEN 'mask' THEN (path IS NULL) <> (geometry IS NULL)
                     ELSE path IS NULL AND geometry IS NOT NULL END)
);
INSERT INTO annotations_v7 (id, sample_id, class_id, kind, geometry, path, source, created_at)
    SELECT id, sample_id, class_id, kind, CASE WHEN path IS NULL THEN geometry END, path,
           source, created_at FROM annotations;
DROP TABLE annotations;
ALTER TABLE annotations_v7 RENAME TO annotations;
CREATE INDEX annotations_by_sample ON annotations(sample_id);
)sql";

// A click on a segmentation run's pixel matrix lists the images with pixels in that cell.
constexpr const char* kSchemaV8 = R"sql(
ALTER TABLE run_predictions ADD COLUMN pixels TEXT -- JSON, classes x classes, truth-major
    CHECK (pixels IS NULL OR json_valid(pixels));
)sql";

// A detector's precision-recall curve per class and epoch, as COCO interpolates it: the
// precision at recall 0, 0.01, ..., 1 (JSON, 101 values) at one IoU threshold.
constexpr const char* kSchemaV9 = R"sql(
CREATE TABLE precision_curves (
    run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch     INTEGER NOT NULL,
    split     TEXT NOT NULL CHECK (split IN ('train', 'val', 'test')),
    class     TEXT NOT NULL,
    iou       REAL NOT NULL,
    precision TEXT NOT NULL CHECK (json_valid(precision)),
    PRIMARY KEY (run_id, epoch, split, class, iou)
) WITHOUT ROWID;
)sql";

// Shapes by class: the class panel counts them after every shape edit that adds, removes or
// reclasses one, and a merge or deletion finds them. Without it each count scans every shape:
// 99 ms against 5 ms for 100,000 shapes in 10 classes.
constexpr const char* kSchemaV10 = R"sql(
CREATE INDEX annotations_by_class ON annotations(class_id);
)sql";

} // namespace

const std::vector<Migration>& projectMigrations() {
    static const std::vector<Migration> steps = {
        {1,
         "projects, classes, samples, labels, runs, parameters, metrics, confusion matrices "
         "and artifacts",
         kSchemaV1},
        {2, "annotations: masks, boxes and polygons on samples", kSchemaV2},
        {3, "an index of sample hashes with their status, for finding duplicates", kSchemaV3},
        {4, "run tags and each run's latest validation predictions", kSchemaV4},
        {5, "every sample's predictions per run, and label audits", kSchemaV5},
        {6, "the task each run trains for", kSchemaV6},
        {7, "masks drawn in the window, and hidden shapes", kSchemaV7},
        {8, "each segmentation image's pixel confusion among a run's predictions", kSchemaV8},
        {9, "a detector's precision-recall curves per class and epoch", kSchemaV9},
        {10, "an index of shapes by class", kSchemaV10},
    };
    return steps;
}

} // namespace kestrel::store
