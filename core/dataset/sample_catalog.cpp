#include "dataset/sample_catalog.h"

#include "project/project.h"
#include "store/sqlite.h"

#include <array>

namespace kestrel::dataset {

namespace {

// Stored paths are relative to the project folder when the image lies inside it.
std::string absolutePath(const std::filesystem::path& projectFolder, const std::string& stored) {
    const std::filesystem::path path(stored);
    return path.is_absolute() ? stored : (projectFolder / path).lexically_normal().string();
}

} // namespace

std::string defaultClassColor(std::size_t position) {
    // Distinct, print-safe hues (Tableau 10): readable on light and dark backgrounds.
    static constexpr std::array<const char*, 10> palette = {
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
    return palette[position % palette.size()];
}

std::vector<CatalogClass> loadCatalogClasses(Project& project) {
    store::Statement query(project.database(), R"sql(
        SELECT c.id, c.name, COALESCE(c.color, ''), COALESCE(c.hotkey, 0),
               (SELECT count(*) FROM labels l WHERE l.class_id = c.id)
        FROM classes c ORDER BY c.position, c.id)sql");
    std::vector<CatalogClass> classes;
    while (query.step()) {
        CatalogClass entry;
        entry.id = query.columnInt(0);
        entry.name = query.columnText(1);
        entry.color = query.columnText(2);
        entry.hotkey = static_cast<int>(query.columnInt(3));
        entry.count = query.columnInt(4);
        if (entry.color.empty()) {
            entry.color = defaultClassColor(classes.size());
        }
        if (entry.hotkey == 0 && classes.size() < 9) {
            entry.hotkey = static_cast<int>(classes.size()) + 1;
        }
        classes.push_back(std::move(entry));
    }
    return classes;
}

SampleCatalog loadCatalog(Project& project) {
    SampleCatalog catalog;
    catalog.classes = loadCatalogClasses(project);
    store::Database& db = project.database();
    catalog.datasetVersion = db.queryInt("SELECT dataset_version FROM project");
    catalog.samples.reserve(static_cast<std::size_t>(db.queryInt("SELECT count(*) FROM samples")));

    // The duplicate flag comes from a grouped subquery over the hash index, not a per-row
    // lookup, so the whole catalog stays one linear pass.
    store::Statement query(db, R"sql(
        SELECT s.id, s.path, COALESCE(s.width, 0), COALESCE(s.height, 0),
               COALESCE(s.channels, 0), COALESCE(s.split, ''), s.status,
               COALESCE(s.status_reason, ''), COALESCE(s.content_hash, ''),
               COALESCE(l.class_id, 0), d.content_hash IS NOT NULL
        FROM samples s
        LEFT JOIN labels l ON l.sample_id = s.id
        LEFT JOIN (SELECT content_hash FROM samples
                   WHERE content_hash IS NOT NULL AND status != 'unreadable'
                   GROUP BY content_hash HAVING count(*) > 1) d
               ON d.content_hash = s.content_hash AND s.status != 'unreadable'
        ORDER BY s.id)sql");
    const std::filesystem::path& folder = project.folder();
    while (query.step()) {
        CatalogSample sample;
        sample.id = query.columnInt(0);
        sample.path = absolutePath(folder, query.columnText(1));
        sample.fileName = std::filesystem::path(sample.path).filename().string();
        sample.width = static_cast<int>(query.columnInt(2));
        sample.height = static_cast<int>(query.columnInt(3));
        sample.channels = static_cast<int>(query.columnInt(4));
        sample.split = query.columnText(5);
        sample.status = query.columnText(6);
        sample.statusReason = query.columnText(7);
        sample.contentHash = query.columnText(8);
        sample.classId = query.columnInt(9);
        sample.duplicate = query.columnInt(10) != 0;
        catalog.samples.push_back(std::move(sample));
    }
    return catalog;
}

} // namespace kestrel::dataset
