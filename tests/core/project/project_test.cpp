#include "common/error.h"
#include "dataset/project_summary.h"
#include "project/project.h"
#include "store/migrations.h"
#include "store/sqlite.h"
#include "temp_dir.h"

#include <gtest/gtest.h>

namespace kestrel {
namespace {

namespace fs = std::filesystem;

ErrorKind kindOfFailure(const std::function<void()>& action, std::string* message = nullptr) {
    try {
        action();
    } catch (const Error& error) {
        if (message) {
            *message = error.what();
        }
        return error.kind();
    }
    ADD_FAILURE() << "expected a kestrel::Error";
    return ErrorKind::Database;
}

class ProjectTest : public ::testing::Test {
protected:
    kestrel::testing::TempDir dir;
};

TEST_F(ProjectTest, CreateLaysOutTheProjectFolder) {
    Project project = Project::create(dir / "lines/press-3");

    EXPECT_EQ(project.folder(), dir / "lines/press-3");
    EXPECT_TRUE(fs::is_regular_file(project.databaseFile()));
    EXPECT_TRUE(fs::is_directory(project.runsFolder()));
    EXPECT_TRUE(fs::is_directory(project.exportsFolder()));
    EXPECT_TRUE(fs::is_directory(project.cacheFolder()));
    EXPECT_EQ(summarizeProject(project).name, "press-3");
}

TEST_F(ProjectTest, CreateKeepsAGivenName) {
    Project project = Project::create(dir.path(), "Weld seams, line 2");
    EXPECT_EQ(summarizeProject(project).name, "Weld seams, line 2");
}

TEST_F(ProjectTest, CreateRefusesAFolderThatAlreadyHoldsAProject) {
    Project::create(dir / "p");
    std::string message;
    EXPECT_EQ(kindOfFailure([&] { Project::create(dir / "p"); }, &message),
              ErrorKind::AlreadyExists);
    EXPECT_NE(message.find((dir / "p").string()), std::string::npos) << message;
}

TEST_F(ProjectTest, OpenNamesTheMissingFolder) {
    std::string message;
    EXPECT_EQ(kindOfFailure([&] { Project::open(dir / "nowhere"); }, &message),
              ErrorKind::NotFound);
    EXPECT_EQ(message,
              "Cannot open " + (dir / "nowhere").string() + ": the folder does not exist.");
    EXPECT_FALSE(fs::exists(dir / "nowhere")) << "opening must not create anything";
}

TEST_F(ProjectTest, OpenRefusesAFolderWithoutAProject) {
    std::string message;
    EXPECT_EQ(kindOfFailure([&] { Project::open(dir.path()); }, &message), ErrorKind::NotAProject);
    EXPECT_NE(message.find("project.kestrel"), std::string::npos) << message;
    EXPECT_FALSE(fs::exists(dir / "project.kestrel"));
}

TEST_F(ProjectTest, OpenAcceptsTheProjectFileItself) {
    Project::create(dir / "p");
    Project project = Project::open(dir / "p/project.kestrel");
    EXPECT_EQ(project.folder(), dir / "p");
}

TEST_F(ProjectTest, OpenRestoresRebuildableFolders) {
    Project::create(dir / "p");
    fs::remove_all(dir / "p/cache");
    Project project = Project::open(dir / "p");
    EXPECT_TRUE(fs::is_directory(project.cacheFolder()));
}

// One conversion for every stored path: relative with '/' inside the folder, so the project
// can move; absolute outside it; both sides lexically normal.
TEST_F(ProjectTest, StoredPathsAreRelativeInsideTheFolderAndAbsoluteOutsideIt) {
    Project project = Project::create(dir / "p");
    const fs::path folder = project.folder();
    EXPECT_EQ(project.storedPath(folder / "images" / "a.png"), "images/a.png");
    EXPECT_EQ(project.storedPath(folder / "images" / "." / "x" / ".." / "a.png"), "images/a.png");
    EXPECT_EQ(project.storedPath(dir / "elsewhere" / "b.png"),
              (dir / "elsewhere" / "b.png").string());
    EXPECT_EQ(project.storedPath(folder / ".." / "p2" / "c.png"), (dir / "p2" / "c.png").string());

    EXPECT_EQ(project.absolutePath("images/a.png"), folder / "images" / "a.png");
    EXPECT_EQ(project.absolutePath((dir / "elsewhere" / "b.png").string()),
              dir / "elsewhere" / "b.png");
    for (const fs::path& file : {folder / "runs" / "1" / "best.pt", dir / "b.png"}) {
        EXPECT_EQ(project.absolutePath(project.storedPath(file)), file);
    }
}

TEST_F(ProjectTest, SummaryOfANewProjectIsEmpty) {
    Project project = Project::create(dir / "p");
    const ProjectSummary summary = summarizeProject(project);

    EXPECT_EQ(summary.samples, 0);
    EXPECT_TRUE(summary.classes.empty());
    EXPECT_EQ(summary.splits.train + summary.splits.val + summary.splits.test, 0);
    EXPECT_EQ(summary.unreadable, 0);
    EXPECT_EQ(summary.runs, 0);
    EXPECT_EQ(summary.schemaVersion, store::currentSchemaVersion());
}

TEST_F(ProjectTest, SummaryCountsSamplesClassesSplitsAndUnreadableFiles) {
    Project project = Project::create(dir / "p");
    store::Database& db = project.database();
    db.execute(R"sql(
        INSERT INTO classes (id, name, position) VALUES (1, 'ok', 0), (2, 'scratch', 1),
                                                        (3, 'dent', 2);
        INSERT INTO samples (id, path, split, status) VALUES
            (1, 'a.png', 'train', 'ok'), (2, 'b.png', 'train', 'ok'),
            (3, 'c.png', 'val', 'ok'),   (4, 'd.png', 'test', 'ok'),
            (5, 'e.png', NULL, 'ok'),    (6, 'broken.png', NULL, 'unreadable'),
            (7, 'moved.png', 'train', 'missing');
        INSERT INTO labels (sample_id, class_id) VALUES (1, 1), (2, 2), (3, 2), (4, 1), (7, 1);
    )sql");

    const ProjectSummary summary = summarizeProject(project);

    EXPECT_EQ(summary.samples, 6);
    EXPECT_EQ(summary.labelled, 5);
    EXPECT_EQ(summary.unlabelled, 1);
    EXPECT_EQ(summary.unreadable, 1);
    EXPECT_EQ(summary.splits.train, 3);
    EXPECT_EQ(summary.splits.val, 1);
    EXPECT_EQ(summary.splits.test, 1);
    EXPECT_EQ(summary.splits.unassigned, 1);
    ASSERT_EQ(summary.classes.size(), 3u);
    EXPECT_EQ(summary.classes[0].name, "ok");
    EXPECT_EQ(summary.classes[0].count, 3);
    EXPECT_EQ(summary.classes[1].name, "scratch");
    EXPECT_EQ(summary.classes[1].count, 2);
    EXPECT_EQ(summary.classes[2].name, "dent");
    EXPECT_EQ(summary.classes[2].count, 0);
}

TEST_F(ProjectTest, AReaderSeesCommittedDataWhileAWriterHoldsATransaction) {
    Project writer = Project::create(dir / "p");
    Project reader = Project::open(dir / "p");
    writer.database().execute("INSERT INTO samples (path) VALUES ('first.png')");

    store::Transaction transaction(writer.database());
    writer.database().execute("INSERT INTO samples (path) VALUES ('pending.png')");
    EXPECT_EQ(summarizeProject(reader).samples, 1) << "WAL readers never block on the writer";
    transaction.commit();
    EXPECT_EQ(summarizeProject(reader).samples, 2);
}

} // namespace
} // namespace kestrel
