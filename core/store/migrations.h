#pragma once

#include <string>
#include <vector>

namespace kestrel::store {

class Database;

// One numbered step of the project schema. Step N turns a version N-1 database into
// version N. Steps only ever add: they never drop or rewrite user data.
struct Migration {
    int version;
    std::string description;
    std::string sql;
};

// Every schema step Kestrel knows, in order, starting at version 1.
const std::vector<Migration>& projectMigrations();

// The schema version this build writes and reads.
int currentSchemaVersion();

// Brings `db` from its PRAGMA user_version up to the last step of `migrations`, all steps
// in one transaction: either every pending step lands or none does. Returns the number of
// steps applied. Refuses (SchemaTooNew) a database newer than the last step, untouched.
int migrate(Database& db, const std::vector<Migration>& migrations);

} // namespace kestrel::store
