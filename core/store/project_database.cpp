#include "store/project_database.h"

#include "common/error.h"
#include "store/migrations.h"

#include <cstdint>
#include <string>

namespace kestrel::store {

namespace {

constexpr int kBusyTimeoutMs = 5000;

// Refuses files that are not ours or are newer than this build, using reads only.
void checkIdentity(Database& db) {
    const std::string file = db.file().string();
    std::int64_t applicationId = 0;
    std::int64_t version = 0;
    try {
        // The first read of the header is where SQLite notices a file that is not a database.
        applicationId = db.queryInt("PRAGMA application_id");
        version = db.queryInt("PRAGMA user_version");
    } catch (const Error& error) {
        if (error.kind() != ErrorKind::Corrupt) {
            throw;
        }
        throw Error(ErrorKind::Corrupt, file + " is damaged or is not a Kestrel project file "
                                               "(it is not an SQLite database); it was left "
                                               "untouched.");
    }
    if (applicationId != kProjectApplicationId) {
        const bool hasTables = db.queryInt("SELECT count(*) FROM sqlite_schema") > 0;
        if (applicationId != 0 || version != 0 || hasTables) {
            throw Error(ErrorKind::NotAProject,
                        file + " is an SQLite database of another program, not a Kestrel "
                               "project; it was left untouched.");
        }
    }
    if (version > currentSchemaVersion()) {
        throw Error(ErrorKind::SchemaTooNew,
                    file + " was written by a newer Kestrel (schema version " +
                        std::to_string(version) + ", this build knows up to " +
                        std::to_string(currentSchemaVersion()) +
                        "); upgrade Kestrel to open it. The file was left untouched.");
    }
}

void configureConnection(Database& db) {
    db.execute("PRAGMA foreign_keys = ON");
    // WAL lets readers (the GUI, `info`) run while a training run writes metrics, and a
    // killed writer never leaves a half-written page behind.
    if (db.queryText("PRAGMA journal_mode = WAL") != "wal") {
        throw Error(ErrorKind::Io, "Cannot switch " + db.file().string() +
                                       " to write-ahead logging; is the folder on a network "
                                       "drive that lacks shared memory?");
    }
    // NORMAL is durable against a killed process in WAL mode; only a power cut can lose the
    // last commits, and never corrupts the file.
    db.execute("PRAGMA synchronous = NORMAL");
}

} // namespace

Database openProjectDatabase(const std::filesystem::path& file, OpenIntent intent) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(file, ec);
    if (intent == OpenIntent::CreateNew && exists) {
        throw Error(ErrorKind::AlreadyExists, file.string() + " already exists.");
    }
    if (intent == OpenIntent::OpenExisting && !exists) {
        throw Error(ErrorKind::NotFound, file.string() + " does not exist.");
    }
    if (exists && !std::filesystem::is_regular_file(file, ec)) {
        throw Error(ErrorKind::NotAProject, file.string() + " is not a file.");
    }

    Database db(file, intent == OpenIntent::CreateNew ? Database::Mode::ReadWriteCreate
                                                      : Database::Mode::ReadWrite);
    // Before the first read: another connection closing the project (its last checkpoint
    // holds the file's lock for a moment) must make this one wait, not fail. The setting
    // belongs to the connection and writes nothing to the file.
    db.execute("PRAGMA busy_timeout = " + std::to_string(kBusyTimeoutMs));
    checkIdentity(db);
    configureConnection(db);
    migrate(db, projectMigrations());
    return db;
}

} // namespace kestrel::store
