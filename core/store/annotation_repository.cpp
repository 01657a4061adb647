#include "store/annotation_repository.h"

#include "annotations/shape_json.h"
#include "common/error.h"
#include "store/sqlite.h"

namespace kestrel::store {

using annotations::Shape;
using annotations::ShapeKind;

namespace {

constexpr const char* kShapeColumns =
    "id, sample_id, COALESCE(class_id, 0), kind, geometry, path, hidden, source";

// A row of kShapeColumns; `sample` receives sample_id.
Shape readShape(const Statement& row, std::int64_t& sample) {
    Shape shape;
    shape.id = row.columnInt(0);
    sample = row.columnInt(1);
    shape.classId = row.columnInt(2);
    const std::string kind = row.columnText(3);
    const std::string what = "annotation " + std::to_string(shape.id);
    const auto parsed = annotations::parseKind(kind);
    if (!parsed) {
        throw Error(ErrorKind::Corrupt, "Annotation " + std::to_string(shape.id) +
                                            " has an unknown kind '" + kind + "'.");
    }
    shape.kind = *parsed;
    if (!row.isNull(5)) {
        shape.maskFile = row.columnText(5);
    }
    if (!row.isNull(4)) {
        annotations::readGeometryJson(shape, row.columnText(4), what);
    }
    shape.hidden = row.columnInt(6) != 0;
    shape.source = row.columnText(7);
    return shape;
}

// Binds ?2 class, ?3 kind, ?4 geometry, ?5 path, ?6 hidden, ?7 source.
void bindShape(Statement& statement, const Shape& shape) {
    shape.classId != 0 ? statement.bind(2, shape.classId) : statement.bindNull(2);
    statement.bind(3, annotations::kindName(shape.kind));
    if (shape.kind == ShapeKind::Mask && !shape.maskFile.empty()) {
        statement.bindNull(4).bind(5, std::string_view(shape.maskFile));
    } else {
        statement.bind(4, std::string_view(annotations::geometryJson(shape))).bindNull(5);
    }
    statement.bind(6, std::int64_t{shape.hidden ? 1 : 0});
    statement.bind(7, std::string_view(shape.source.empty() ? "user" : shape.source));
}

} // namespace

AnnotationRepository::AnnotationRepository(Database& database)
    : db_(database), statements_(database) {}

AnnotationRepository::~AnnotationRepository() = default;

std::vector<Shape> AnnotationRepository::shapesOf(std::int64_t sample) {
    static const std::string sql = std::string("SELECT ") + kShapeColumns +
                                   " FROM annotations WHERE sample_id = ? ORDER BY id";
    Statement& query = statements_.prepared(sql);
    query.bind(1, sample);
    std::vector<Shape> shapes;
    std::int64_t owner = 0;
    while (query.step()) {
        shapes.push_back(readShape(query, owner));
    }
    return shapes;
}

std::unordered_map<std::int64_t, std::vector<Shape>> AnnotationRepository::allShapes() {
    Statement query(db_, std::string("SELECT ") + kShapeColumns +
                             " FROM annotations ORDER BY sample_id, id");
    std::unordered_map<std::int64_t, std::vector<Shape>> shapes;
    std::int64_t sample = 0;
    while (query.step()) {
        Shape shape = readShape(query, sample);
        shapes[sample].push_back(std::move(shape));
    }
    return shapes;
}

std::int64_t AnnotationRepository::insert(std::int64_t sample, const Shape& shape) {
    Statement& statement = statements_.prepared(
        "INSERT INTO annotations (sample_id, class_id, kind, geometry, path, hidden, "
        "source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    statement.bind(1, sample);
    bindShape(statement, shape);
    statement.run();
    return db_.lastInsertRowId();
}

void AnnotationRepository::insertWithId(std::int64_t sample, const Shape& shape) {
    Statement& statement = statements_.prepared(
        "INSERT INTO annotations (id, sample_id, class_id, kind, geometry, path, hidden, "
        "source) VALUES (?8, ?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    statement.bind(1, sample);
    bindShape(statement, shape);
    statement.bind(8, shape.id);
    statement.run();
}

bool AnnotationRepository::update(const Shape& shape) {
    Statement& statement = statements_.prepared(
        "UPDATE annotations SET class_id = ?2, kind = ?3, geometry = ?4, path = ?5, "
        "hidden = ?6, source = ?7 WHERE id = ?1");
    statement.bind(1, shape.id);
    bindShape(statement, shape);
    statement.run();
    return db_.changes() > 0;
}

bool AnnotationRepository::remove(std::int64_t shapeId) {
    statements_.prepared("DELETE FROM annotations WHERE id = ?").bind(1, shapeId).run();
    return db_.changes() > 0;
}

std::optional<std::int64_t> AnnotationRepository::sampleOf(std::int64_t shapeId) {
    return statements_.prepared("SELECT sample_id FROM annotations WHERE id = ?")
        .bind(1, shapeId)
        .firstInt();
}

std::vector<std::int64_t> AnnotationRepository::shapesOfClass(std::int64_t classId) {
    Statement& query =
        statements_.prepared("SELECT id FROM annotations WHERE class_id = ? ORDER BY id");
    query.bind(1, classId);
    std::vector<std::int64_t> ids;
    while (query.step()) {
        ids.push_back(query.columnInt(0));
    }
    query.reset();
    return ids;
}

std::optional<std::int64_t> AnnotationRepository::classOfShape(std::int64_t shapeId) {
    return statements_.prepared("SELECT COALESCE(class_id, 0) FROM annotations WHERE id = ?")
        .bind(1, shapeId)
        .firstInt();
}

bool AnnotationRepository::setShapeClass(std::int64_t shapeId, std::int64_t classId) {
    Statement& update = statements_.prepared("UPDATE annotations SET class_id = ?2 WHERE id = ?1");
    update.bind(1, shapeId);
    classId == 0 ? update.bindNull(2) : update.bind(2, classId);
    update.run();
    return db_.changes() > 0;
}

AnnotationCounts AnnotationRepository::counts() {
    AnnotationCounts counts;
    Statement shapes(db_, "SELECT kind, COUNT(*), COUNT(DISTINCT a.sample_id) FROM annotations a "
                          "JOIN samples s ON s.id = a.sample_id AND s.status = 'ok' GROUP BY kind");
    while (shapes.step()) {
        const std::string kind = shapes.columnText(0);
        const std::int64_t n = shapes.columnInt(1);
        const std::int64_t samples = shapes.columnInt(2);
        if (kind == "box") {
            counts.boxes = n;
            counts.samplesWithBoxes = samples;
        } else if (kind == "polygon") {
            counts.polygons = n;
            counts.samplesWithPolygons = samples;
        } else if (kind == "mask") {
            counts.masks = n;
            counts.samplesWithMasks = samples;
        }
    }
    counts.samplesWithoutShapes =
        db_.queryInt("SELECT COUNT(*) FROM samples s WHERE s.status = 'ok' AND NOT EXISTS "
                     "(SELECT 1 FROM annotations a WHERE a.sample_id = s.id)");
    return counts;
}

std::unordered_map<std::int64_t, unsigned> AnnotationRepository::kindsBySample() {
    Statement query(db_, "SELECT sample_id, kind FROM annotations GROUP BY sample_id, kind");
    std::unordered_map<std::int64_t, unsigned> kinds;
    while (query.step()) {
        const std::string kind = query.columnText(1);
        unsigned& bits = kinds[query.columnInt(0)];
        bits |= kind == "box" ? kHasBox : kind == "polygon" ? kHasPolygon : kHasMask;
    }
    return kinds;
}

} // namespace kestrel::store
