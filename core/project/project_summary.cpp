#include "project/project_summary.h"

#include "dataset/duplicates.h"
#include "project/project.h"
#include "store/sqlite.h"

namespace kestrel {

ProjectSummary summarizeProjectHeading(Project& project) {
    store::Database& db = project.database();
    ProjectSummary summary;
    summary.folder = project.folder().string();
    summary.schemaVersion = static_cast<int>(db.queryInt("PRAGMA user_version"));
    store::Statement about(db, "SELECT name, created_at, dataset_version FROM project");
    if (about.step()) {
        summary.name = about.columnText(0);
        summary.createdAt = about.columnText(1);
        summary.datasetVersion = about.columnInt(2);
    }
    return summary;
}

ProjectSummary summarizeProject(Project& project) {
    store::Database& db = project.database();
    ProjectSummary summary = summarizeProjectHeading(project);

    // One pass over samples for every count; a partial index would not help a full scan.
    store::Statement counts(db, R"sql(
        SELECT count(*) FILTER (WHERE s.status != 'unreadable'),
               count(*) FILTER (WHERE s.status != 'unreadable' AND l.sample_id IS NOT NULL),
               count(*) FILTER (WHERE s.status = 'unreadable'),
               count(*) FILTER (WHERE s.status != 'unreadable' AND s.split = 'train'),
               count(*) FILTER (WHERE s.status != 'unreadable' AND s.split = 'val'),
               count(*) FILTER (WHERE s.status != 'unreadable' AND s.split = 'test'),
               count(*) FILTER (WHERE s.status != 'unreadable' AND s.split IS NULL)
        FROM samples s LEFT JOIN labels l ON l.sample_id = s.id)sql");
    if (counts.step()) {
        summary.samples = counts.columnInt(0);
        summary.labelled = counts.columnInt(1);
        summary.unreadable = counts.columnInt(2);
        summary.splits = {counts.columnInt(3), counts.columnInt(4), counts.columnInt(5),
                          counts.columnInt(6)};
    }
    summary.unlabelled = summary.samples - summary.labelled;

    store::Statement classes(db, R"sql(
        SELECT c.name, count(s.id)
        FROM classes c
        LEFT JOIN labels l ON l.class_id = c.id
        LEFT JOIN samples s ON s.id = l.sample_id AND s.status != 'unreadable'
        GROUP BY c.id
        ORDER BY c.position, c.id)sql");
    while (classes.step()) {
        summary.classes.push_back({classes.columnText(0), classes.columnInt(1)});
    }

    summary.runs = db.queryInt("SELECT count(*) FROM runs");
    for (const dataset::DuplicateGroup& group : dataset::findDuplicates(db)) {
        ++summary.duplicateGroups;
        summary.leakageGroups += group.leakage ? 1 : 0;
    }
    return summary;
}

} // namespace kestrel
