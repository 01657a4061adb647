#include "annotations/rle.h"
#include "annotations/shape.h"
#include "common/error.h"
#include "dataset/annotation_check.h"
#include "project/project.h"
#include "store/annotation_repository.h"
#include "store/migrations.h"
#include "store/sample_repository.h"
#include "store/sqlite.h"
#include "temp_dir.h"

#include <gtest/gtest.h>

namespace kestrel {
namespace {

using annotations::Box;
using annotations::Shape;
using annotations::ShapeKind;

std::int64_t addSample(store::SampleRepository& samples, const std::string& path) {
    store::NewSample sample;
    sample.path = path;
    sample.readable = true;
    sample.width = 64;
    sample.height = 48;
    sample.channels = 3;
    sample.split = "train";
    return samples.addSample(sample);
}

Shape boxShape(double x, double y, double w, double h, std::int64_t classId = 0) {
    Shape shape;
    shape.kind = ShapeKind::Box;
    shape.box = {x, y, w, h};
    shape.classId = classId;
    return shape;
}

class AnnotationStoreTest : public ::testing::Test {
protected:
    testing::TempDir dir;
    Project project = Project::create(dir / "project");
    store::SampleRepository samples{project.database()};
    store::AnnotationRepository shapes{project.database()};
};

TEST_F(AnnotationStoreTest, ShapesAreWrittenReadUpdatedAndRemoved) {
    const std::int64_t sample = addSample(samples, "a.png");
    store::ClassRow scratch;
    scratch.name = "scratch";
    const std::int64_t classId = samples.addClass(scratch);

    Shape polygon;
    polygon.kind = ShapeKind::Polygon;
    polygon.points = {{1, 1}, {20, 1}, {10, 15}};
    polygon.classId = classId;
    const std::int64_t boxId = shapes.insert(sample, boxShape(2, 3, 10, 5));
    const std::int64_t polygonId = shapes.insert(sample, polygon);

    std::vector<Shape> stored = shapes.shapesOf(sample);
    ASSERT_EQ(stored.size(), 2u);
    EXPECT_EQ(stored[0].id, boxId);
    EXPECT_EQ(stored[0].box, (Box{2, 3, 10, 5}));
    EXPECT_EQ(stored[0].classId, 0);
    EXPECT_EQ(stored[1].points, polygon.points);
    EXPECT_EQ(stored[1].classId, classId);

    stored[0].classId = classId;
    stored[0].hidden = true;
    stored[0].box.x = 4;
    EXPECT_TRUE(shapes.update(stored[0]));
    const Shape updated = shapes.shapesOf(sample)[0];
    EXPECT_TRUE(updated.hidden);
    EXPECT_EQ(updated.box.x, 4);
    EXPECT_EQ(updated.classId, classId);

    EXPECT_TRUE(shapes.remove(boxId));
    EXPECT_FALSE(shapes.remove(boxId));
    EXPECT_EQ(shapes.shapesOf(sample).size(), 1u);
    // An undone delete gets its id back.
    shapes.insertWithId(sample, updated);
    EXPECT_EQ(shapes.shapesOf(sample)[0].id, boxId);
    EXPECT_EQ(shapes.sampleOf(polygonId), sample);
    EXPECT_EQ(shapes.sampleOf(999), std::nullopt);
}

TEST_F(AnnotationStoreTest, CountsAndKindsPerSampleCoverEveryKind) {
    const std::int64_t a = addSample(samples, "a.png");
    const std::int64_t b = addSample(samples, "b.png");
    addSample(samples, "c.png");
    shapes.insert(a, boxShape(0, 0, 4, 4));
    shapes.insert(a, boxShape(5, 5, 4, 4));
    std::vector<std::uint8_t> pixels(64 * 48, 0);
    pixels[100] = 1;
    Shape mask;
    mask.kind = ShapeKind::Mask;
    mask.mask = annotations::encodeMask(pixels.data(), 64, 48, 64);
    shapes.insert(b, mask);
    samples.addImportedMask(b, std::nullopt, "ground_truth/b_mask.png");

    const store::AnnotationCounts counts = shapes.counts();
    EXPECT_EQ(counts.boxes, 2);
    EXPECT_EQ(counts.masks, 2);
    EXPECT_EQ(counts.polygons, 0);
    EXPECT_EQ(counts.samplesWithBoxes, 1);
    EXPECT_EQ(counts.samplesWithMasks, 1);
    EXPECT_EQ(counts.samplesWithoutShapes, 1);
    const auto kinds = shapes.kindsBySample();
    EXPECT_EQ(kinds.at(a), store::kHasBox);
    EXPECT_EQ(kinds.at(b), store::kHasMask);
    EXPECT_EQ(kinds.size(), 2u);

    // The MVTec mask file stays a file; the drawn one keeps its RLE.
    const std::vector<Shape> onB = shapes.shapesOf(b);
    ASSERT_EQ(onB.size(), 2u);
    EXPECT_EQ(onB[0].mask, mask.mask);
    EXPECT_EQ(onB[1].maskFile, "ground_truth/b_mask.png");
}

TEST_F(AnnotationStoreTest, TheStoreRefusesABoxWithoutGeometry) {
    const std::int64_t sample = addSample(samples, "a.png");
    EXPECT_THROW(project.database().execute("INSERT INTO annotations (sample_id, kind) VALUES (" +
                                            std::to_string(sample) + ", 'box')"),
                 Error);
}

TEST(AnnotationMigration, MaskFilesOfOlderProjectsSurviveTheTableRebuild) {
    testing::TempDir dir;
    store::Database db(dir / "project.kestrel", store::Database::Mode::ReadWriteCreate);
    std::vector<store::Migration> upToV6(store::projectMigrations().begin(),
                                         store::projectMigrations().begin() + 6);
    store::migrate(db, upToV6);
    db.execute("INSERT INTO samples (id, path) VALUES (1, 'test/hole/000.png')");
    db.execute("INSERT INTO annotations (sample_id, kind, path, source) VALUES "
               "(1, 'mask', 'ground_truth/hole/000_mask.png', 'import')");

    std::vector<store::Migration> upToV7(store::projectMigrations().begin(),
                                         store::projectMigrations().begin() + 7);
    EXPECT_EQ(store::migrate(db, upToV7), 1);
    store::AnnotationRepository shapes(db);
    const std::vector<Shape> stored = shapes.shapesOf(1);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].kind, ShapeKind::Mask);
    EXPECT_EQ(stored[0].maskFile, "ground_truth/hole/000_mask.png");
    EXPECT_EQ(stored[0].source, "import");
    EXPECT_FALSE(stored[0].hidden);
}

dataset::SourceShape sourceBox(Box box, const std::string& where) {
    dataset::SourceShape shape;
    shape.labelled.shape.kind = ShapeKind::Box;
    shape.labelled.shape.box = box;
    shape.labelled.className = "dent";
    shape.where = where;
    return shape;
}

TEST(FitShapesToImage, ClipsCrossingBoxesAndDropsOutsideOnesSayingSo) {
    dataset::ImportItem item;
    item.file = "/data/part_7.png";
    item.annotationFile = "instances.json";
    item.shapes = {sourceBox({10, 10, 20, 20}, "annotations[0] (id 1)"),
                   sourceBox({90, 40, 20, 20}, "annotations[1] (id 2)"),
                   sourceBox({200, 10, 5, 5}, "annotations[2] (id 3)"),
                   sourceBox({5, 5, 0, 4}, "annotations[3] (id 4)")};
    std::vector<std::string> problems;
    const auto fitted = dataset::fitShapesToImage(item, 100, 50, problems);
    ASSERT_EQ(fitted.size(), 2u);
    EXPECT_EQ(fitted[0].shape.box, (Box{10, 10, 20, 20}));
    EXPECT_EQ(fitted[1].shape.box, (Box{90, 40, 10, 10}));
    ASSERT_EQ(problems.size(), 3u);
    EXPECT_NE(problems[0].find("annotations[1] (id 2)"), std::string::npos) << problems[0];
    EXPECT_NE(problems[0].find("clipped"), std::string::npos) << problems[0];
    EXPECT_NE(problems[0].find("part_7.png"), std::string::npos) << problems[0];
    EXPECT_NE(problems[1].find("id 3"), std::string::npos) << problems[1];
    EXPECT_NE(problems[1].find("outside"), std::string::npos) << problems[1];
    EXPECT_NE(problems[2].find("empty"), std::string::npos) << problems[2];
}

TEST(FitShapesToImage, ScalesNormalisedShapesAndReportsADifferentDeclaredSize) {
    dataset::ImportItem item;
    item.file = "/data/a.jpg";
    item.annotationFile = "Annotations/a.xml";
    item.declaredWidth = 640;
    item.declaredHeight = 480;
    item.shapesNormalised = true;
    item.shapes = {sourceBox({0.25, 0.5, 0.5, 0.25}, "line 1")};
    std::vector<std::string> problems;
    const auto fitted = dataset::fitShapesToImage(item, 200, 100, problems);
    ASSERT_EQ(fitted.size(), 1u);
    EXPECT_EQ(fitted[0].shape.box, (Box{50, 50, 100, 25}));
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("640 x 480"), std::string::npos) << problems[0];
    EXPECT_NE(problems[0].find("200 x 100"), std::string::npos) << problems[0];
}

} // namespace
} // namespace kestrel
