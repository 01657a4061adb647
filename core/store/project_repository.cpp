#include "store/project_repository.h"

#include "store/sqlite.h"

namespace kestrel::store {

void ProjectRepository::ensureRow(const std::string& name, const std::string& kestrelVersion) {
    if (db_.queryInt("SELECT count(*) FROM project") > 0) {
        return;
    }
    Statement insert(db_, "INSERT OR IGNORE INTO project (id, name, kestrel_version) "
                          "VALUES (1, ?1, ?2)");
    insert.bind(1, name).bind(2, kestrelVersion).run();
}

ProjectRecord ProjectRepository::record() {
    ProjectRecord record;
    Statement about(db_, "SELECT name, created_at, dataset_version FROM project");
    if (about.step()) {
        record.name = about.columnText(0);
        record.createdAt = about.columnText(1);
        record.datasetVersion = about.columnInt(2);
    }
    return record;
}

std::string ProjectRepository::name() {
    return db_.queryText("SELECT name FROM project");
}

std::int64_t ProjectRepository::datasetVersion() {
    return db_.queryInt("SELECT dataset_version FROM project");
}

void ProjectRepository::bumpDatasetVersion() {
    db_.execute("UPDATE project SET dataset_version = dataset_version + 1");
}

int ProjectRepository::schemaVersion() {
    return static_cast<int>(db_.queryInt("PRAGMA user_version"));
}

} // namespace kestrel::store
