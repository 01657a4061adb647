#include "store/migrations.h"

#include "common/error.h"
#include "store/sqlite.h"

#include <string>

namespace kestrel::store {

int currentSchemaVersion() {
    return projectMigrations().back().version;
}

int migrate(Database& db, const std::vector<Migration>& migrations) {
    const int target = migrations.empty() ? 0 : migrations.back().version;
    const auto refuseIfNewer = [&](int version) {
        if (version > target) {
            throw Error(ErrorKind::SchemaTooNew,
                        db.file().string() + " was written by a newer Kestrel (schema version " +
                            std::to_string(version) + ", this build knows up to " +
                            std::to_string(target) + "); it was left untouched.");
        }
    };
    // The common case, an up-to-date project, must not take the write lock: a training
    // run may be writing to it.
    const auto current = static_cast<int>(db.queryInt("PRAGMA user_version"));
    refuseIfNewer(current);
    if (current == target) {
        return 0;
    }
    Transaction transaction(db);
    // Read again under the write lock so two processes opening the same new project
    // cannot both run the same step.
    const auto from = static_cast<int>(db.queryInt("PRAGMA user_version"));
    refuseIfNewer(from);
    int applied = 0;
    for (const Migration& step : migrations) {
        if (step.version <= from) {
            continue;
        }
        if (step.version != from + applied + 1) {
            throw Error(ErrorKind::Database, "Schema step " + std::to_string(step.version) +
                                                 " is out of order; this build of Kestrel is "
                                                 "broken.");
        }
        db.execute(step.sql);
        // PRAGMA takes no bound parameters; the value is our own integer.
        db.execute("PRAGMA user_version = " + std::to_string(step.version));
        ++applied;
    }
    transaction.commit();
    return applied;
}

} // namespace kestrel::store
