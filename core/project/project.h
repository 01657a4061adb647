#pragma once

#include "store/sqlite.h"

#include <filesystem>
#include <string>

namespace kestrel {

// A project folder: the SQLite store plus the folders for runs, exports and caches (see
// docs/ARCHITECTURE.md). Images stay where the user keeps them.
class Project {
public:
    static constexpr const char* kDatabaseFileName = "project.kestrel";

    // Creates `folder` (and parents) if needed and a new, empty project in it. Refuses a
    // folder that already holds a project.
    static Project create(const std::filesystem::path& folder, const std::string& name = {});
    // Opens the project in `folder`; `folder` may also name its project.kestrel file.
    static Project open(const std::filesystem::path& folder);

    const std::filesystem::path& folder() const { return folder_; }
    std::filesystem::path databaseFile() const { return folder_ / kDatabaseFileName; }
    std::filesystem::path runsFolder() const { return folder_ / "runs"; }
    std::filesystem::path exportsFolder() const { return folder_ / "exports"; }
    std::filesystem::path cacheFolder() const { return folder_ / "cache"; }

    // A file as the store keeps it (samples, masks, artifacts): relative to the folder, with
    // '/' separators, when the file lies inside it, so the project can be moved or copied;
    // else absolute. Made absolute and lexically normal first.
    std::string storedPath(const std::filesystem::path& file) const;
    // The file a stored path names: an absolute one as it is, a relative one under the
    // folder, lexically normal. storedPath's inverse.
    std::filesystem::path absolutePath(const std::string& stored) const;

    store::Database& database() { return database_; }

private:
    Project(std::filesystem::path folder, store::Database database);
    void ensureLayout() const;

    std::filesystem::path folder_;
    store::Database database_;
};

} // namespace kestrel
