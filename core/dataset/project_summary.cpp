#include "dataset/project_summary.h"

#include "dataset/duplicates.h"
#include "dataset/sample_tally.h"
#include "project/project.h"
#include "store/annotation_repository.h"
#include "store/project_repository.h"
#include "store/run_repository.h"
#include "store/sample_repository.h"

namespace kestrel {

ProjectSummary summarizeProjectHeading(Project& project) {
    store::ProjectRepository about(project.database());
    ProjectSummary summary;
    summary.folder = project.folder().string();
    summary.schemaVersion = about.schemaVersion();
    const store::ProjectRecord record = about.record();
    summary.name = record.name;
    summary.createdAt = record.createdAt;
    summary.datasetVersion = record.datasetVersion;
    return summary;
}

ProjectSummary summarizeProject(Project& project) {
    store::Database& db = project.database();
    ProjectSummary summary = summarizeProjectHeading(project);

    store::SampleRepository samples(db);
    const store::SampleCountsRow counts = samples.counts();
    const SampleTally tally{counts.readable, counts.labelled, counts.unreadable};
    summary.samples = tally.samples;
    summary.labelled = tally.labelled;
    summary.unlabelled = tally.unlabelled();
    summary.unreadable = tally.unreadable;
    summary.splits = {counts.train, counts.val, counts.test, counts.unassigned};

    for (const store::ClassWithCount& stored : samples.classesWithReadableCounts()) {
        summary.classes.push_back({stored.row.name, stored.count});
    }

    const store::AnnotationCounts shapes = store::AnnotationRepository(db).counts();
    summary.annotations = {shapes.boxes,
                           shapes.polygons,
                           shapes.masks,
                           shapes.samplesWithBoxes,
                           shapes.samplesWithPolygons,
                           shapes.samplesWithMasks,
                           shapes.samplesWithoutShapes};

    summary.runs = store::RunRepository(db).count();
    for (const dataset::DuplicateGroup& group : dataset::findDuplicates(db)) {
        ++summary.duplicateGroups;
        summary.leakageGroups += group.leakage ? 1 : 0;
    }
    return summary;
}

} // namespace kestrel
