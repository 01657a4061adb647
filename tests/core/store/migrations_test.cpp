#include "common/error.h"
#include "store/migrations.h"
#include "store/sqlite.h"
#include "temp_dir.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace kestrel::store {
namespace {

std::set<std::string> tableNames(Database& db) {
    std::set<std::string> names;
    Statement tables(db, "SELECT name FROM sqlite_schema WHERE type = 'table'");
    while (tables.step()) {
        names.insert(tables.columnText(0));
    }
    return names;
}

class MigrationsTest : public ::testing::Test {
protected:
    kestrel::testing::TempDir dir;
    Database db{dir / "project.kestrel", Database::Mode::ReadWriteCreate};
};

TEST_F(MigrationsTest, EmptyFileMigratesToTheCurrentSchema) {
    const int applied = migrate(db, projectMigrations());

    EXPECT_EQ(applied, currentSchemaVersion());
    EXPECT_EQ(db.queryInt("PRAGMA user_version"), currentSchemaVersion());
    const std::set<std::string> expected = {
        "project",  "classes",    "samples", "labels",
        "runs",     "run_params", "metrics", "confusion_matrices",
        "artifacts"};
    const std::set<std::string> tables = tableNames(db);
    for (const std::string& table : expected) {
        EXPECT_TRUE(tables.count(table)) << "missing table " << table;
    }
    EXPECT_EQ(db.queryText("PRAGMA integrity_check"), "ok");
}

TEST_F(MigrationsTest, MigratingTwiceAppliesNothingTheSecondTime) {
    migrate(db, projectMigrations());
    EXPECT_EQ(migrate(db, projectMigrations()), 0);
    EXPECT_EQ(db.queryInt("PRAGMA user_version"), currentSchemaVersion());
}

TEST_F(MigrationsTest, StepsRunInOrderAndKeepExistingRows) {
    const std::vector<Migration> v1 = {{1, "notes", "CREATE TABLE notes (text TEXT);"}};
    migrate(db, v1);
    db.execute("INSERT INTO notes VALUES ('scratch on part 7')");

    std::vector<Migration> v3 = v1;
    v3.push_back({2, "add author", "ALTER TABLE notes ADD COLUMN author TEXT;"});
    v3.push_back({3, "default author", "UPDATE notes SET author = 'line 2';"});
    EXPECT_EQ(migrate(db, v3), 2);

    EXPECT_EQ(db.queryInt("PRAGMA user_version"), 3);
    EXPECT_EQ(db.queryText("SELECT text || ' / ' || author FROM notes"),
              "scratch on part 7 / line 2");
}

TEST_F(MigrationsTest, AFailingStepRollsBackEveryPendingStep) {
    const std::vector<Migration> broken = {
        {1, "good", "CREATE TABLE good (x INTEGER);"},
        {2, "bad", "CREATE TABLE broken (x INTEGER REFERENCES;"},
    };
    EXPECT_THROW(migrate(db, broken), Error);

    EXPECT_EQ(db.queryInt("PRAGMA user_version"), 0);
    EXPECT_TRUE(tableNames(db).empty()) << "step 1 must not land without step 2";
}

TEST_F(MigrationsTest, ANewerSchemaIsRefusedAndNotModified) {
    migrate(db, projectMigrations());
    const int future = currentSchemaVersion() + 1;
    db.execute("PRAGMA user_version = " + std::to_string(future));

    try {
        migrate(db, projectMigrations());
        FAIL() << "expected SchemaTooNew";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::SchemaTooNew);
        EXPECT_NE(std::string(error.what()).find(std::to_string(future)), std::string::npos);
    }
    EXPECT_EQ(db.queryInt("PRAGMA user_version"), future);
}

} // namespace
} // namespace kestrel::store
