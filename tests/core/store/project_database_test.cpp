#include "common/error.h"
#include "files.h"
#include "store/migrations.h"
#include "store/project_database.h"
#include "temp_dir.h"

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace kestrel::store {
namespace {

using kestrel::testing::randomBytes;
using kestrel::testing::readBytes;
using kestrel::testing::writeBytes;

// Asserts that opening `file` fails with `kind`, names the file, and leaves its bytes as
// they were.
void expectRefusedUntouched(const std::filesystem::path& file, ErrorKind kind,
                            const std::string& mentions) {
    const std::string before = readBytes(file);
    try {
        openProjectDatabase(file, OpenIntent::OpenExisting);
        FAIL() << "expected opening " << file << " to fail";
    } catch (const Error& error) {
        const std::string message = error.what();
        EXPECT_EQ(error.kind(), kind) << message;
        EXPECT_NE(message.find(file.string()), std::string::npos) << message;
        EXPECT_NE(message.find(mentions), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << "one sentence, one line: " << message;
    }
    EXPECT_EQ(readBytes(file), before) << "a refused file must not be modified";
    EXPECT_FALSE(std::filesystem::exists(file.string() + "-wal"));
}

class ProjectDatabaseTest : public ::testing::Test {
protected:
    kestrel::testing::TempDir dir;
    std::filesystem::path file = dir / "project.kestrel";
};

TEST_F(ProjectDatabaseTest, NewDatabaseIsConfiguredForSafeConcurrentUse) {
    Database db = openProjectDatabase(file, OpenIntent::CreateNew);

    EXPECT_EQ(db.queryText("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(db.queryInt("PRAGMA foreign_keys"), 1);
    EXPECT_EQ(db.queryInt("PRAGMA busy_timeout"), 5000);
    EXPECT_EQ(db.queryInt("PRAGMA application_id"), kProjectApplicationId);
    EXPECT_EQ(db.queryInt("PRAGMA user_version"), currentSchemaVersion());
}

// Another connection may hold the file's lock for a moment (a process closing the project
// checkpoints its log under it); opening must wait for it, not fail on its first read.
TEST_F(ProjectDatabaseTest, OpeningWaitsForAnotherConnectionsLockInsteadOfFailing) {
    { openProjectDatabase(file, OpenIntent::CreateNew); }
    std::promise<void> locked;
    std::thread holder([this, &locked] {
        Database other(file, Database::Mode::ReadWrite);
        other.execute("PRAGMA locking_mode = EXCLUSIVE");
        other.execute("BEGIN EXCLUSIVE");
        other.execute("INSERT INTO classes (name) VALUES ('held')");
        locked.set_value();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        other.execute("COMMIT");
    }); // closing `other` releases the lock
    locked.get_future().wait();
    try {
        Database db = openProjectDatabase(file, OpenIntent::OpenExisting);
        EXPECT_EQ(db.queryInt("SELECT count(*) FROM classes WHERE name = 'held'"), 1);
    } catch (const Error& error) {
        ADD_FAILURE() << "opening failed while another connection held the lock: " << error.what();
    }
    holder.join();
}

TEST_F(ProjectDatabaseTest, ForeignKeysAreEnforced) {
    Database db = openProjectDatabase(file, OpenIntent::CreateNew);
    db.execute("INSERT INTO samples (path) VALUES ('a.png')");

    EXPECT_THROW(db.execute("INSERT INTO labels (sample_id, class_id) VALUES (1, 42)"), Error);
    db.execute("INSERT INTO classes (name) VALUES ('scratch')");
    db.execute("INSERT INTO labels (sample_id, class_id) VALUES (1, 1)");
    EXPECT_THROW(db.execute("DELETE FROM classes WHERE id = 1"), Error)
        << "a class still in use must not vanish from under its labels";
    db.execute("DELETE FROM samples WHERE id = 1");
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM labels"), 0) << "labels follow their sample";
}

TEST_F(ProjectDatabaseTest, ReopeningKeepsDataAndSchema) {
    {
        Database db = openProjectDatabase(file, OpenIntent::CreateNew);
        db.execute("INSERT INTO classes (name) VALUES ('good'), ('dent')");
    }
    Database db = openProjectDatabase(file, OpenIntent::OpenExisting);
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM classes"), 2);
    EXPECT_EQ(db.queryInt("PRAGMA user_version"), currentSchemaVersion());
}

TEST_F(ProjectDatabaseTest, AnOlderProjectIsUpgradedInPlaceKeepingItsData) {
    {
        // A project as the first release wrote it: schema version 1 only.
        Database db(file, Database::Mode::ReadWriteCreate);
        const std::vector<Migration> firstRelease(projectMigrations().begin(),
                                                  projectMigrations().begin() + 1);
        migrate(db, firstRelease);
        db.execute("INSERT INTO project (id, name, kestrel_version) VALUES (1, 'old', '0.1.0');"
                   "INSERT INTO samples (path) VALUES ('kept.png');"
                   "INSERT INTO runs (model, status) VALUES ('smallcnn', 'completed');");
    }
    Database db = openProjectDatabase(file, OpenIntent::OpenExisting);
    EXPECT_EQ(db.queryInt("PRAGMA user_version"), currentSchemaVersion());
    EXPECT_EQ(db.queryText("SELECT path FROM samples"), "kept.png");
    EXPECT_EQ(db.queryText("SELECT name FROM project"), "old");
    // Every run before tasks existed trained a classifier.
    EXPECT_EQ(db.queryText("SELECT task FROM runs"), "classification");
    db.execute("INSERT INTO annotations (sample_id, kind, path) VALUES (1, 'mask', 'm.png')");
}

TEST_F(ProjectDatabaseTest, CreatingOverAnExistingFileIsRefused) {
    openProjectDatabase(file, OpenIntent::CreateNew);
    EXPECT_THROW(openProjectDatabase(file, OpenIntent::CreateNew), Error);
}

TEST_F(ProjectDatabaseTest, OpeningAMissingFileIsRefusedWithoutCreatingIt) {
    try {
        openProjectDatabase(file, OpenIntent::OpenExisting);
        FAIL() << "expected NotFound";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::NotFound);
    }
    EXPECT_FALSE(std::filesystem::exists(file));
}

TEST_F(ProjectDatabaseTest, AFutureSchemaIsRefusedAndLeftUntouched) {
    {
        Database db = openProjectDatabase(file, OpenIntent::CreateNew);
        db.execute("PRAGMA user_version = 99");
        db.execute("PRAGMA journal_mode = DELETE"); // fold the WAL back into the file
    }
    expectRefusedUntouched(file, ErrorKind::SchemaTooNew, "schema version 99");
}

TEST_F(ProjectDatabaseTest, RandomBytesAreRefusedAsCorruptAndLeftUntouched) {
    writeBytes(file, randomBytes(64 * 1024, 7));
    expectRefusedUntouched(file, ErrorKind::Corrupt, "not an SQLite database");
}

TEST_F(ProjectDatabaseTest, AnotherProgramsDatabaseIsRefusedAndLeftUntouched) {
    {
        Database other(file, Database::Mode::ReadWriteCreate);
        other.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)");
    }
    expectRefusedUntouched(file, ErrorKind::NotAProject, "another program");
}

TEST_F(ProjectDatabaseTest, AnEmptyFileLeftByAnInterruptedCreateBecomesAProject) {
    writeBytes(file, "");
    Database db = openProjectDatabase(file, OpenIntent::OpenExisting);
    EXPECT_EQ(db.queryInt("PRAGMA user_version"), currentSchemaVersion());
}

TEST_F(ProjectDatabaseTest, ATruncatedProjectFailsWithAClearErrorNamingTheFile) {
    {
        Database db = openProjectDatabase(file, OpenIntent::CreateNew);
        db.execute("WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < "
                   "2000) INSERT INTO samples (path) SELECT 'image-' || v || '.png' FROM n");
        db.execute("PRAGMA journal_mode = DELETE");
    }
    const std::string bytes = readBytes(file);
    writeBytes(file, bytes.substr(0, bytes.size() / 3));
    try {
        Database db = openProjectDatabase(file, OpenIntent::OpenExisting);
        db.queryInt("SELECT count(*) FROM samples");
        FAIL() << "expected the damage to be reported";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::Corrupt) << error.what();
        EXPECT_NE(std::string(error.what()).find(file.string()), std::string::npos);
    }
}

} // namespace
} // namespace kestrel::store
