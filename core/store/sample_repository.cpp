#include "store/sample_repository.h"

#include "store/sqlite.h"

namespace kestrel::store {

namespace {

constexpr const char* kClassColumns =
    "c.id, c.name, COALESCE(c.color, ''), COALESCE(c.hotkey, 0), c.position";

ClassRow readClass(const Statement& row) {
    return {row.columnInt(0), row.columnText(1), row.columnText(2),
            static_cast<int>(row.columnInt(3)), static_cast<int>(row.columnInt(4))};
}

// Rows of kClassColumns, a count and, `withShapes`, a shape count.
std::vector<ClassWithCount> classesWithCounts(Statement& query, bool withShapes) {
    std::vector<ClassWithCount> classes;
    while (query.step()) {
        ClassWithCount row;
        row.row = readClass(query);
        row.count = query.columnInt(5);
        row.shapes = withShapes ? query.columnInt(6) : 0;
        classes.push_back(std::move(row));
    }
    return classes;
}

} // namespace

SampleRepository::SampleRepository(Database& database) : db_(database), statements_(database) {}

SampleRepository::~SampleRepository() = default;

std::vector<ClassRow> SampleRepository::classes() {
    Statement query(db_, std::string("SELECT ") + kClassColumns +
                             " FROM classes c ORDER BY c.position, c.id");
    std::vector<ClassRow> classes;
    while (query.step()) {
        classes.push_back(readClass(query));
    }
    return classes;
}

std::vector<ClassWithCount> SampleRepository::classesWithLabelCounts() {
    Statement query(db_, std::string("SELECT ") + kClassColumns +
                             ", (SELECT count(*) FROM labels l WHERE l.class_id = c.id)"
                             ", (SELECT count(*) FROM annotations a WHERE a.class_id = c.id) "
                             "FROM classes c ORDER BY c.position, c.id");
    return classesWithCounts(query, true);
}

std::vector<ClassWithCount> SampleRepository::classesWithReadableCounts() {
    Statement query(db_, std::string("SELECT ") + kClassColumns + R"sql(, count(s.id)
        FROM classes c
        LEFT JOIN labels l ON l.class_id = c.id
        LEFT JOIN samples s ON s.id = l.sample_id AND s.status != 'unreadable'
        GROUP BY c.id
        ORDER BY c.position, c.id)sql");
    return classesWithCounts(query, false);
}

std::map<std::string, std::int64_t> SampleRepository::classIdsByName() {
    std::map<std::string, std::int64_t> ids;
    Statement query(db_, "SELECT name, id FROM classes");
    while (query.step()) {
        ids[query.columnText(0)] = query.columnInt(1);
    }
    return ids;
}

std::int64_t SampleRepository::classCount() {
    return db_.queryInt("SELECT count(*) FROM classes");
}

std::optional<ClassRow> SampleRepository::findClass(std::int64_t id) {
    Statement& query =
        statements_.prepared("SELECT c.id, c.name, COALESCE(c.color, ''), "
                             "COALESCE(c.hotkey, 0), c.position FROM classes c WHERE c.id = ?");
    query.bind(1, id);
    std::optional<ClassRow> found;
    if (query.step()) {
        found = readClass(query);
    }
    query.reset();
    return found;
}

std::optional<std::string> SampleRepository::classNamedLike(const std::string& name,
                                                            std::int64_t exceptId) {
    Statement& query =
        statements_.prepared("SELECT name FROM classes WHERE name = ? COLLATE NOCASE AND id != ?");
    query.bind(1, name).bind(2, exceptId);
    std::optional<std::string> found;
    if (query.step()) {
        found = query.columnText(0);
    }
    query.reset();
    return found;
}

std::int64_t SampleRepository::nextClassId() {
    return db_.queryInt("SELECT COALESCE(max(id), 0) + 1 FROM classes");
}

int SampleRepository::nextClassPosition() {
    return static_cast<int>(db_.queryInt("SELECT COALESCE(max(position), 0) + 1 FROM classes"));
}

std::int64_t SampleRepository::addClass(const ClassRow& row) {
    Statement& insert = statements_.prepared("INSERT INTO classes (name, color, hotkey, position) "
                                             "VALUES (?1, ?2, ?3, ?4)");
    insert.bind(1, row.name);
    row.color.empty() ? insert.bindNull(2) : insert.bind(2, row.color);
    row.hotkey == 0 ? insert.bindNull(3) : insert.bind(3, std::int64_t{row.hotkey});
    insert.bind(4, std::int64_t{row.position}).run();
    return db_.lastInsertRowId();
}

void SampleRepository::writeClass(const ClassRow& row) {
    Statement& upsert = statements_.prepared(R"sql(
        INSERT INTO classes (id, name, color, hotkey, position) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, color = excluded.color,
            hotkey = excluded.hotkey, position = excluded.position)sql");
    upsert.bind(1, row.id).bind(2, row.name);
    row.color.empty() ? upsert.bindNull(3) : upsert.bind(3, row.color);
    row.hotkey == 0 ? upsert.bindNull(4) : upsert.bind(4, std::int64_t{row.hotkey});
    upsert.bind(5, std::int64_t{row.position}).run();
}

void SampleRepository::deleteClass(std::int64_t id) {
    statements_.prepared("DELETE FROM classes WHERE id = ?").bind(1, id).run();
}

std::int64_t SampleRepository::sampleCount() {
    return db_.queryInt("SELECT count(*) FROM samples");
}

std::vector<SampleRow> SampleRepository::samples() {
    Statement query(db_, R"sql(
        SELECT s.id, s.path, COALESCE(s.width, 0), COALESCE(s.height, 0),
               COALESCE(s.channels, 0), COALESCE(s.split, ''), s.status,
               COALESCE(s.status_reason, ''), COALESCE(s.content_hash, ''),
               COALESCE(l.class_id, 0)
        FROM samples s
        LEFT JOIN labels l ON l.sample_id = s.id
        ORDER BY s.id)sql");
    std::vector<SampleRow> rows;
    while (query.step()) {
        SampleRow row;
        row.id = query.columnInt(0);
        row.path = query.columnText(1);
        row.width = static_cast<int>(query.columnInt(2));
        row.height = static_cast<int>(query.columnInt(3));
        row.channels = static_cast<int>(query.columnInt(4));
        row.split = query.columnText(5);
        row.status = query.columnText(6);
        row.statusReason = query.columnText(7);
        row.contentHash = query.columnText(8);
        row.classId = query.columnInt(9);
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<LabelledSampleRow>
SampleRepository::labelledSamples(const std::optional<std::string>& split) {
    Statement query(db_, R"sql(
        SELECT s.id, s.path, l.class_id FROM samples s JOIN labels l ON l.sample_id = s.id
        WHERE s.status = 'ok' AND (?1 IS NULL OR s.split = ?1)
        ORDER BY s.id)sql");
    if (split) {
        query.bind(1, *split);
    } else {
        query.bindNull(1);
    }
    std::vector<LabelledSampleRow> rows;
    while (query.step()) {
        rows.push_back({query.columnInt(0), query.columnText(1), query.columnInt(2)});
    }
    return rows;
}

std::set<std::string> SampleRepository::storedPaths() {
    std::set<std::string> paths;
    Statement query(db_, "SELECT path FROM samples");
    while (query.step()) {
        paths.insert(query.columnText(0));
    }
    return paths;
}

std::optional<SampleFileRow> SampleRepository::sampleFile(std::int64_t id) {
    Statement& query =
        statements_.prepared("SELECT path, COALESCE(content_hash, '') FROM samples WHERE id = ?");
    query.bind(1, id);
    std::optional<SampleFileRow> found;
    if (query.step()) {
        found = SampleFileRow{query.columnText(0), query.columnText(1)};
    }
    query.reset();
    return found;
}

std::vector<ImageShapeRow> SampleRepository::trainingImageShapes() {
    Statement query(db_, R"sql(
        SELECT s.width, s.height, s.channels, l.class_id
        FROM samples s JOIN labels l ON l.sample_id = s.id
        WHERE s.status = 'ok' AND (s.split = 'train' OR s.split IS NULL))sql");
    std::vector<ImageShapeRow> shapes;
    while (query.step()) {
        shapes.push_back({static_cast<int>(query.columnInt(0)),
                          static_cast<int>(query.columnInt(1)),
                          static_cast<int>(query.columnInt(2)), query.columnInt(3)});
    }
    return shapes;
}

SampleCountsRow SampleRepository::counts() {
    // One pass over samples for every count; a partial index would not help a full scan.
    Statement query(db_, R"sql(
        SELECT count(*) FILTER (WHERE s.status != 'unreadable'),
               count(*) FILTER (WHERE s.status != 'unreadable' AND l.sample_id IS NOT NULL),
               count(*) FILTER (WHERE s.status = 'unreadable'),
               count(*) FILTER (WHERE s.status != 'unreadable' AND s.split = 'train'),
               count(*) FILTER (WHERE s.status != 'unreadable' AND s.split = 'val'),
               count(*) FILTER (WHERE s.status != 'unreadable' AND s.split = 'test'),
               count(*) FILTER (WHERE s.status != 'unreadable' AND s.split IS NULL)
        FROM samples s LEFT JOIN labels l ON l.sample_id = s.id)sql");
    SampleCountsRow counts;
    if (query.step()) {
        counts = {query.columnInt(0), query.columnInt(1), query.columnInt(2), query.columnInt(3),
                  query.columnInt(4), query.columnInt(5), query.columnInt(6)};
    }
    return counts;
}

std::vector<StratumCountRow> SampleRepository::stratumSplitCounts() {
    Statement query(db_, R"sql(
        SELECT coalesce(c.name, ''), s.split, count(*)
        FROM samples s LEFT JOIN labels l ON l.sample_id = s.id
                       LEFT JOIN classes c ON c.id = l.class_id
        WHERE s.status != 'unreadable' AND s.split IS NOT NULL
        GROUP BY 1, 2)sql");
    std::vector<StratumCountRow> rows;
    while (query.step()) {
        rows.push_back({query.columnText(0), query.columnText(1), query.columnInt(2)});
    }
    return rows;
}

std::vector<DuplicateRow> SampleRepository::duplicates() {
    Statement query(db_, R"sql(
        SELECT content_hash, path, coalesce(split, '')
        FROM samples
        WHERE status != 'unreadable' AND content_hash IN (
            SELECT content_hash FROM samples
            WHERE status != 'unreadable' AND content_hash IS NOT NULL
            GROUP BY content_hash HAVING count(*) > 1)
        ORDER BY content_hash, path)sql");
    std::vector<DuplicateRow> rows;
    while (query.step()) {
        rows.push_back({query.columnText(0), query.columnText(1), query.columnText(2)});
    }
    return rows;
}

std::int64_t SampleRepository::addSample(const NewSample& sample) {
    Statement& insert = statements_.prepared(R"sql(
        INSERT INTO samples (path, content_hash, width, height, channels, split, status,
                             status_reason)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))sql");
    insert.bind(1, sample.path);
    sample.contentHash.empty() ? insert.bindNull(2) : insert.bind(2, sample.contentHash);
    if (sample.readable) {
        insert.bind(3, std::int64_t{sample.width})
            .bind(4, std::int64_t{sample.height})
            .bind(5, std::int64_t{sample.channels})
            .bind(6, sample.split)
            .bind(7, std::string_view("ok"))
            .bindNull(8);
    } else {
        insert.bindNull(3)
            .bindNull(4)
            .bindNull(5)
            .bindNull(6)
            .bind(7, std::string_view("unreadable"))
            .bind(8, sample.reason);
    }
    insert.run();
    return db_.lastInsertRowId();
}

void SampleRepository::addImportedLabel(std::int64_t sample, std::int64_t classId) {
    statements_
        .prepared("INSERT INTO labels (sample_id, class_id, source) VALUES (?1, ?2, 'import')")
        .bind(1, sample)
        .bind(2, classId)
        .run();
}

void SampleRepository::addImportedMask(std::int64_t sample, std::optional<std::int64_t> classId,
                                       const std::string& path) {
    Statement& insert =
        statements_.prepared("INSERT INTO annotations (sample_id, class_id, kind, path, "
                             "source) VALUES (?1, ?2, 'mask', ?3, 'import')");
    insert.bind(1, sample);
    classId ? insert.bind(2, *classId) : insert.bindNull(2);
    insert.bind(3, path).run();
}

std::vector<std::pair<std::int64_t, std::string>> SampleRepository::maskFiles() {
    Statement& query =
        statements_.prepared("SELECT sample_id, path FROM annotations WHERE kind = 'mask' "
                             "AND path IS NOT NULL ORDER BY sample_id, path");
    std::vector<std::pair<std::int64_t, std::string>> masks;
    while (query.step()) {
        masks.emplace_back(query.columnInt(0), query.columnText(1));
    }
    return masks;
}

std::optional<std::int64_t> SampleRepository::labelOf(std::int64_t sample) {
    return statements_
        .prepared("SELECT COALESCE(l.class_id, 0) FROM samples s "
                  "LEFT JOIN labels l ON l.sample_id = s.id WHERE s.id = ?")
        .bind(1, sample)
        .firstInt();
}

void SampleRepository::setUserLabel(std::int64_t sample, std::int64_t classId) {
    statements_
        .prepared(R"sql(
        INSERT INTO labels (sample_id, class_id, source) VALUES (?, ?, 'user')
        ON CONFLICT (sample_id) DO UPDATE SET class_id = excluded.class_id, source = 'user',
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))sql")
        .bind(1, sample)
        .bind(2, classId)
        .run();
}

void SampleRepository::removeLabel(std::int64_t sample) {
    statements_.prepared("DELETE FROM labels WHERE sample_id = ?").bind(1, sample).run();
}

std::optional<std::string> SampleRepository::splitOf(std::int64_t sample) {
    Statement& query = statements_.prepared("SELECT COALESCE(split, '') FROM samples WHERE id = ?");
    query.bind(1, sample);
    std::optional<std::string> split;
    if (query.step()) {
        split = query.columnText(0);
    }
    query.reset();
    return split;
}

void SampleRepository::setSplit(std::int64_t sample, const std::string& split) {
    Statement& update = statements_.prepared("UPDATE samples SET split = ? WHERE id = ?");
    split.empty() ? update.bindNull(1) : update.bind(1, split);
    update.bind(2, sample).run();
}

std::int64_t SampleRepository::labelCount(std::int64_t classId) {
    Statement& query = statements_.prepared("SELECT count(*) FROM labels WHERE class_id = ?");
    query.bind(1, classId);
    query.step();
    const std::int64_t count = query.columnInt(0);
    query.reset();
    return count;
}

std::vector<std::int64_t> SampleRepository::samplesLabelled(std::int64_t classId) {
    Statement query(db_, "SELECT sample_id FROM labels WHERE class_id = ? ORDER BY sample_id");
    query.bind(1, classId);
    std::vector<std::int64_t> samples;
    while (query.step()) {
        samples.push_back(query.columnInt(0));
    }
    return samples;
}

} // namespace kestrel::store
