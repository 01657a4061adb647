#pragma once

#include "annotations/shape.h"
#include "store/sqlite.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kestrel::store {

// Shapes per kind over the whole project, and how many readable samples have each kind
// (and none at all).
struct AnnotationCounts {
    std::int64_t boxes = 0;
    std::int64_t polygons = 0;
    std::int64_t masks = 0;
    std::int64_t samplesWithBoxes = 0;
    std::int64_t samplesWithPolygons = 0;
    std::int64_t samplesWithMasks = 0;
    std::int64_t samplesWithoutShapes = 0;
};

// Bits of kindsBySample().
enum ShapeKindBits : unsigned { kHasBox = 1, kHasPolygon = 2, kHasMask = 4 };

// Reads and writes the `annotations` table: the boxes, polygons and masks on samples.
// Statements are prepared once per repository, as SampleRepository's are; writes are single
// statements, so callers hold a store::Transaction around an edit of several shapes.
class AnnotationRepository {
public:
    explicit AnnotationRepository(Database& database);
    ~AnnotationRepository();
    AnnotationRepository(const AnnotationRepository&) = delete;
    AnnotationRepository& operator=(const AnnotationRepository&) = delete;

    // A sample's shapes, by id (the order they were drawn in).
    std::vector<annotations::Shape> shapesOf(std::int64_t sample);
    // Every shape of the project by sample, then id.
    std::unordered_map<std::int64_t, std::vector<annotations::Shape>> allShapes();
    // Inserts with a new id (shape.id is ignored) and returns it.
    std::int64_t insert(std::int64_t sample, const annotations::Shape& shape);
    // Inserts with shape.id, which must be free: an undone delete gets its id back.
    void insertWithId(std::int64_t sample, const annotations::Shape& shape);
    // The class, geometry, flags and hidden state of the shape with shape.id; false when
    // there is none.
    bool update(const annotations::Shape& shape);
    bool remove(std::int64_t shapeId); // false when there was none
    std::optional<std::int64_t> sampleOf(std::int64_t shapeId);
    // The ids of the shapes of `classId`, in id order: what merging or deleting it changes.
    std::vector<std::int64_t> shapesOfClass(std::int64_t classId);
    // A shape's class (0: none); nullopt when there is no such shape.
    std::optional<std::int64_t> classOfShape(std::int64_t shapeId);
    // Sets a shape's class (0: none); false when there is no such shape.
    bool setShapeClass(std::int64_t shapeId, std::int64_t classId);

    AnnotationCounts counts();
    // ShapeKindBits per sample that has any shape.
    std::unordered_map<std::int64_t, unsigned> kindsBySample();

private:
    Database& db_;
    StatementCache statements_;
};

} // namespace kestrel::store
