#pragma once

#include "store/sqlite.h"

#include <filesystem>

namespace kestrel::store {

// Written into the SQLite header (PRAGMA application_id) so that Kestrel recognises its own
// files and refuses to migrate some other program's database: 'KSTR'.
constexpr int kProjectApplicationId = 0x4B535452;

enum class OpenIntent { CreateNew, OpenExisting };

// Opens (or creates) a project database: checks that it is Kestrel's and not from the
// future before anything is written, then turns on WAL, foreign keys and a busy timeout,
// and runs pending migrations. Every failure is a kestrel::Error naming the file.
Database openProjectDatabase(const std::filesystem::path& file, OpenIntent intent);

} // namespace kestrel::store
