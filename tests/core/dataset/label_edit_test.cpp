// Labelling edits against a real project: every edit applies in one transaction, its inverse
// restores exactly what was there, and bad values are refused with the project unchanged.
#include "common/error.h"
#include "dataset/label_edit.h"
#include "dataset/sample_catalog.h"
#include "project/project.h"
#include "store/sqlite.h"
#include "temp_dir.h"

#include <map>

#include <gtest/gtest.h>

namespace kestrel::dataset {
namespace {

class LabelEditTest : public ::testing::Test {
protected:
    kestrel::testing::TempDir dir;
    Project project = Project::create(dir / "project");

    void SetUp() override {
        project.database().execute(R"sql(
            INSERT INTO classes (id, name, position) VALUES (1, 'good', 0), (2, 'scratch', 1),
                                                          (3, 'dent', 2);
            INSERT INTO samples (id, path, content_hash, split, status) VALUES
                (1, 'a.png', 'h1', 'train', 'ok'), (2, 'b.png', 'h2', 'train', 'ok'),
                (3, 'c.png', 'h3', 'val', 'ok'), (4, 'd.png', 'h1', 'test', 'ok'),
                (5, 'e.png', NULL, NULL, 'unreadable');
            INSERT INTO labels (sample_id, class_id) VALUES (1, 1), (2, 2), (3, 2);
            INSERT INTO annotations (id, sample_id, class_id, kind, geometry) VALUES
                (10, 1, 2, 'polygon', '{"points": [[1, 1], [6, 1], [6, 4]]}'),
                (11, 3, 2, 'box', '{"box": [2, 2, 9, 5]}'),
                (12, 2, 3, 'box', '{"box": [0, 0, 3, 3]}');
        )sql");
    }

    std::int64_t version() {
        return project.database().queryInt("SELECT dataset_version FROM project");
    }

    // Everything an edit may touch, to compare states before and after.
    std::map<std::string, std::string> state() {
        std::map<std::string, std::string> rows;
        store::Statement classes(project.database(),
                                 "SELECT id, name, COALESCE(color, ''), position FROM classes");
        while (classes.step()) {
            rows["class " + classes.columnText(0)] =
                classes.columnText(1) + "|" + classes.columnText(2) + "|" + classes.columnText(3);
        }
        store::Statement samples(project.database(), R"sql(
            SELECT s.id, COALESCE(s.split, ''), COALESCE(l.class_id, 0)
            FROM samples s LEFT JOIN labels l ON l.sample_id = s.id)sql");
        while (samples.step()) {
            rows["sample " + samples.columnText(0)] =
                samples.columnText(1) + "|" + samples.columnText(2);
        }
        store::Statement shapes(project.database(),
                                "SELECT id, COALESCE(class_id, 0), geometry FROM annotations");
        while (shapes.step()) {
            rows["shape " + shapes.columnText(0)] =
                shapes.columnText(1) + "|" + shapes.columnText(2);
        }
        return rows;
    }
    std::int64_t labelOf(std::int64_t sample) {
        store::Statement query(
            project.database(),
            "SELECT COALESCE((SELECT class_id FROM labels WHERE sample_id = ?), 0)");
        query.bind(1, sample);
        query.step();
        return query.columnInt(0);
    }
    std::int64_t classOfShape(std::int64_t shape) {
        store::Statement query(project.database(),
                               "SELECT COALESCE(class_id, 0) FROM annotations WHERE id = ?");
        query.bind(1, shape);
        query.step();
        return query.columnInt(0);
    }
};

TEST_F(LabelEditTest, AssigningAClassWritesUserLabelsAndTheInverseRestoresThem) {
    const auto before = state();
    const std::int64_t versionBefore = version();
    const LabelEdit inverse = applyLabelEdit(project, assignClassEdit({1, 4, 1}, 3));
    EXPECT_EQ(labelOf(1), 3);
    EXPECT_EQ(labelOf(4), 3);
    EXPECT_EQ(project.database().queryInt("SELECT count(*) FROM labels WHERE source = 'user' "
                                          "AND class_id = 3"),
              2);
    EXPECT_EQ(version(), versionBefore + 1);
    ASSERT_EQ(inverse.labels.size(), 2u);

    applyLabelEdit(project, inverse);
    EXPECT_EQ(state(), before);
    EXPECT_EQ(labelOf(4), 0) << "an unlabelled sample goes back to unlabelled";
}

TEST_F(LabelEditTest, ASampleChangedTwiceInOneEditGetsItsFirstStateBack) {
    const auto before = state();
    LabelEdit edit;
    edit.labels = {{2, 1}, {2, 3}};
    const LabelEdit inverse = applyLabelEdit(project, edit);
    EXPECT_EQ(labelOf(2), 3);
    applyLabelEdit(project, inverse);
    EXPECT_EQ(state(), before);
}

TEST_F(LabelEditTest, SplitMovesUndo) {
    const auto before = state();
    const LabelEdit inverse = applyLabelEdit(project, assignSplitEdit({1, 3, 5}, "test"));
    EXPECT_EQ(project.database().queryInt("SELECT count(*) FROM samples WHERE split = 'test'"), 4);
    applyLabelEdit(project, inverse);
    EXPECT_EQ(state(), before);
    EXPECT_THROW(assignSplitEdit({1}, "holdout"), Error);
}

// A segmentation or detection project's classes live on its shapes: a merge moves them too.
// Before, the store's ON DELETE SET NULL left them without a class, and undo did not bring
// the class back to them.
TEST_F(LabelEditTest, MergeRelabelsEverySampleAndShapeThenRemovesTheClassAndUndoBringsItBack) {
    const auto before = state();
    EXPECT_EQ(samplesWithClass(project, 2), 2);
    const LabelEdit inverse = applyLabelEdit(project, mergeClassesEdit(project, 2, 3));
    EXPECT_EQ(labelOf(2), 3);
    EXPECT_EQ(labelOf(3), 3);
    EXPECT_EQ(classOfShape(10), 3);
    EXPECT_EQ(classOfShape(11), 3);
    EXPECT_EQ(classOfShape(12), 3);
    EXPECT_EQ(project.database().queryInt("SELECT count(*) FROM classes WHERE id = 2"), 0);
    const SampleCatalog merged = loadCatalog(project);
    ASSERT_EQ(merged.classes.size(), 2u);
    EXPECT_EQ(merged.classes[1].name, "dent");
    EXPECT_EQ(merged.classes[1].shapes, 3);

    applyLabelEdit(project, inverse);
    EXPECT_EQ(state(), before);
    EXPECT_THROW(mergeClassesEdit(project, 2, 2), Error);
    EXPECT_THROW(mergeClassesEdit(project, 2, 99), Error);
}

TEST_F(LabelEditTest, DeleteUnlabelsItsSamplesLeavesItsShapesClasslessAndUndoRestoresAll) {
    const auto before = state();
    const LabelEdit inverse = applyLabelEdit(project, deleteClassEdit(project, 2));
    EXPECT_EQ(labelOf(2), 0);
    EXPECT_EQ(labelOf(3), 0);
    EXPECT_EQ(labelOf(1), 1);
    EXPECT_EQ(classOfShape(10), 0);
    EXPECT_EQ(classOfShape(11), 0);
    EXPECT_EQ(classOfShape(12), 3);
    applyLabelEdit(project, inverse);
    EXPECT_EQ(state(), before);
}

TEST_F(LabelEditTest, CreateAndRenameRefuseEmptyAndDuplicateNamesWhateverTheirCase) {
    try {
        createClassEdit(project, "  SCRATCH ");
        FAIL() << "a duplicate name was accepted";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "A class named 'scratch' already exists.");
    }
    EXPECT_THROW(createClassEdit(project, "   "), Error);
    EXPECT_THROW(renameClassEdit(project, 1, "Dent"), Error);
    EXPECT_NO_THROW(renameClassEdit(project, 1, "Good")) << "a class may change its own case";

    const auto before = state();
    const LabelEdit created = createClassEdit(project, " spot ");
    ASSERT_EQ(created.classesToWrite.size(), 1u);
    EXPECT_EQ(created.classesToWrite[0].name, "spot");
    const LabelEdit undoCreate = applyLabelEdit(project, created);
    const auto classes = loadCatalogClasses(project);
    ASSERT_EQ(classes.size(), 4u);
    EXPECT_EQ(classes.back().name, "spot");
    EXPECT_EQ(classes.back().hotkey, 4);

    const LabelEdit undoRename = applyLabelEdit(project, renameClassEdit(project, 2, "scuff"));
    EXPECT_EQ(project.database().queryText("SELECT name FROM classes WHERE id = 2"), "scuff");
    applyLabelEdit(project, undoRename);
    applyLabelEdit(project, undoCreate);
    EXPECT_EQ(state(), before);
}

TEST_F(LabelEditTest, ABadValueLeavesTheProjectAsItWas) {
    const auto before = state();
    const std::int64_t versionBefore = version();
    try {
        applyLabelEdit(project, assignClassEdit({1, 2, 42}, 3));
        FAIL() << "an unknown sample was accepted";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "There is no sample with id 42 in this project.");
    }
    EXPECT_THROW(applyLabelEdit(project, assignClassEdit({1}, 9)), Error);
    LabelEdit stillUsed;
    stillUsed.classesToDelete = {2};
    EXPECT_THROW(applyLabelEdit(project, stillUsed), Error);
    LabelEdit unknownShape;
    unknownShape.shapeClasses = {{10, 3}, {77, 3}};
    try {
        applyLabelEdit(project, unknownShape);
        FAIL() << "an unknown shape was accepted";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "There is no shape with id 77 in this project.");
    }
    LabelEdit unknownClass;
    unknownClass.shapeClasses = {{10, 9}};
    EXPECT_THROW(applyLabelEdit(project, unknownClass), Error);
    EXPECT_EQ(state(), before);
    EXPECT_EQ(version(), versionBefore);
}

TEST_F(LabelEditTest, CatalogListsEverySampleWithItsLabelSplitAndDuplicateFlag) {
    const SampleCatalog catalog = loadCatalog(project);
    ASSERT_EQ(catalog.classes.size(), 3u);
    EXPECT_EQ(catalog.classes[1].name, "scratch");
    EXPECT_EQ(catalog.classes[1].count, 2);
    EXPECT_EQ(catalog.classes[1].shapes, 2);
    EXPECT_EQ(catalog.classes[0].shapes, 0);
    EXPECT_EQ(catalog.classes[2].shapes, 1);
    EXPECT_EQ(catalog.classes[1].hotkey, 2);
    EXPECT_EQ(catalog.classes[1].color, defaultClassColor(1));
    ASSERT_EQ(catalog.samples.size(), 5u);
    const CatalogSample& first = catalog.samples[0];
    EXPECT_EQ(first.path, (project.folder() / "a.png").string());
    EXPECT_EQ(first.fileName, "a.png");
    EXPECT_EQ(first.classId, 1);
    EXPECT_EQ(first.split, "train");
    EXPECT_TRUE(first.duplicate) << "a.png and d.png share a hash";
    EXPECT_TRUE(catalog.samples[3].duplicate);
    EXPECT_FALSE(catalog.samples[1].duplicate);
    EXPECT_EQ(catalog.samples[3].classId, 0);
    EXPECT_EQ(catalog.samples[4].status, "unreadable");
    EXPECT_EQ(catalog.samples[4].split, "");
}

TEST(NaturalOrderTest, IgnoresCaseAndComparesDigitRunsByValue) {
    EXPECT_LT(naturalCompare("part-2.png", "part-10.png"), 0);
    EXPECT_GT(naturalCompare("part-10.png", "part-9.png"), 0);
    EXPECT_LT(naturalCompare("Alpha", "beta"), 0);
    EXPECT_LT(naturalCompare("img007", "img08"), 0);
    EXPECT_LT(naturalCompare("a", "a1"), 0);
    EXPECT_NE(naturalCompare("File", "file"), 0) << "distinct names keep a fixed order";
    EXPECT_EQ(naturalCompare("same", "same"), 0);
}

TEST_F(LabelEditTest, CatalogRanksNamesInNaturalOrder) {
    project.database().execute(R"sql(
        INSERT INTO samples (id, path, status) VALUES (6, 'sub/part-10.png', 'ok'),
                                                      (7, 'sub/Part-9.png', 'ok');
    )sql");
    const SampleCatalog catalog = loadCatalog(project);
    std::vector<std::string> byName(catalog.samples.size());
    for (const CatalogSample& sample : catalog.samples) {
        byName.at(static_cast<std::size_t>(sample.nameOrder)) = sample.fileName;
    }
    EXPECT_EQ(byName, (std::vector<std::string>{"a.png", "b.png", "c.png", "d.png", "e.png",
                                                "Part-9.png", "part-10.png"}));
    EXPECT_EQ(catalog.samples[6].pathOrder, 5) << "sub/Part-9 sorts before sub/part-10";
}

} // namespace
} // namespace kestrel::dataset
