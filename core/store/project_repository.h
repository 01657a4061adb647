#pragma once

#include <cstdint>
#include <string>

namespace kestrel::store {

class Database;

// The project row (name, creation time, dataset version) and the schema version.
struct ProjectRecord {
    std::string name;
    std::string createdAt;
    std::int64_t datasetVersion = 0;
};

// Reads and writes the one `project` row. The dataset version counts changes to samples,
// labels, classes and splits: runs and audits record it.
class ProjectRepository {
public:
    explicit ProjectRepository(Database& database) : db_(database) {}

    // Writes the row when there is none (a create killed before it wrote the row heals on
    // the next open). Checked first, so that opening a healthy project takes no write lock.
    void ensureRow(const std::string& name, const std::string& kestrelVersion);
    ProjectRecord record();
    std::string name();
    std::int64_t datasetVersion();
    // Called inside the transaction that changed the dataset.
    void bumpDatasetVersion();
    // PRAGMA user_version: the schema step the file is at.
    int schemaVersion();

private:
    Database& db_;
};

} // namespace kestrel::store
