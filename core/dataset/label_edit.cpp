#include "dataset/label_edit.h"

#include "common/error.h"
#include "common/text.h"
#include "dataset/sample_catalog.h"
#include "project/project.h"
#include "store/annotation_repository.h"
#include "store/project_repository.h"
#include "store/sample_repository.h"
#include "store/sqlite.h"

#include <algorithm>
#include <optional>
#include <unordered_set>

namespace kestrel::dataset {

namespace {

using store::SampleRepository;

ClassRecord recordOf(const store::ClassRow& row) {
    return {row.id, row.name, row.color, row.hotkey, row.position};
}

ClassRecord requireClass(SampleRepository& samples, std::int64_t id) {
    if (auto row = samples.findClass(id)) {
        return recordOf(*row);
    }
    throw Error(ErrorKind::InvalidArgument,
                "There is no class with id " + std::to_string(id) + " in this project.");
}

// Class names are compared without case: "Scratch" and "scratch" would confuse everyone.
void requireFreeName(SampleRepository& samples, const std::string& name, std::int64_t exceptId) {
    if (name.empty()) {
        throw Error(ErrorKind::InvalidArgument, "A class name cannot be empty.");
    }
    if (const auto taken = samples.classNamedLike(name, exceptId)) {
        throw Error(ErrorKind::InvalidArgument, "A class named '" + *taken + "' already exists.");
    }
}

[[noreturn]] void throwNoSample(std::int64_t sampleId) {
    throw Error(ErrorKind::InvalidArgument,
                "There is no sample with id " + std::to_string(sampleId) + " in this project.");
}

void requireSplit(const std::string& split) {
    if (!split.empty() && split != "train" && split != "val" && split != "test") {
        throw Error(ErrorKind::InvalidArgument,
                    "Split '" + split + "' is not one of train, val and test.");
    }
}

void writeClasses(SampleRepository& samples, const std::vector<ClassRecord>& records,
                  LabelEdit& inverse) {
    for (const ClassRecord& record : records) {
        const std::string name = trimmed(record.name);
        requireFreeName(samples, name, record.id);
        if (auto old = samples.findClass(record.id)) {
            inverse.classesToWrite.push_back(recordOf(*old));
        } else {
            inverse.classesToDelete.push_back(record.id);
        }
        samples.writeClass({record.id, name, record.color, record.hotkey, record.position});
    }
}

void writeLabels(SampleRepository& samples, const std::vector<LabelChange>& changes,
                 LabelEdit& inverse) {
    std::unordered_set<std::int64_t> knownClasses;
    for (const LabelChange& change : changes) {
        const std::optional<std::int64_t> current = samples.labelOf(change.sampleId);
        if (!current) {
            throwNoSample(change.sampleId);
        }
        inverse.labels.push_back({change.sampleId, *current});
        if (change.classId == 0) {
            samples.removeLabel(change.sampleId);
            continue;
        }
        if (knownClasses.insert(change.classId).second) {
            requireClass(samples, change.classId);
        }
        samples.setUserLabel(change.sampleId, change.classId);
    }
}

void writeShapeClasses(Project& project, SampleRepository& samples,
                       const std::vector<ShapeClassChange>& changes, LabelEdit& inverse) {
    if (changes.empty()) {
        return;
    }
    store::AnnotationRepository shapes(project.database());
    std::unordered_set<std::int64_t> knownClasses;
    for (const ShapeClassChange& change : changes) {
        const std::optional<std::int64_t> current = shapes.classOfShape(change.shapeId);
        if (!current) {
            throw Error(ErrorKind::InvalidArgument, "There is no shape with id " +
                                                        std::to_string(change.shapeId) +
                                                        " in this project.");
        }
        if (change.classId != 0 && knownClasses.insert(change.classId).second) {
            requireClass(samples, change.classId);
        }
        inverse.shapeClasses.push_back({change.shapeId, *current});
        shapes.setShapeClass(change.shapeId, change.classId);
    }
}

// Every shape of `from` given `into` (0: no class).
std::vector<ShapeClassChange> moveShapes(Project& project, std::int64_t from, std::int64_t into) {
    std::vector<ShapeClassChange> changes;
    for (const std::int64_t shape :
         store::AnnotationRepository(project.database()).shapesOfClass(from)) {
        changes.push_back({shape, into});
    }
    return changes;
}

void writeSplits(SampleRepository& samples, const std::vector<SplitChange>& changes,
                 LabelEdit& inverse) {
    for (const SplitChange& change : changes) {
        requireSplit(change.split);
        std::optional<std::string> current = samples.splitOf(change.sampleId);
        if (!current) {
            throwNoSample(change.sampleId);
        }
        inverse.splits.push_back({change.sampleId, std::move(*current)});
        samples.setSplit(change.sampleId, change.split);
    }
}

void deleteClasses(SampleRepository& samples, const std::vector<std::int64_t>& ids,
                   LabelEdit& inverse) {
    for (const std::int64_t id : ids) {
        const ClassRecord record = requireClass(samples, id);
        if (const std::int64_t count = samples.labelCount(id); count > 0) {
            throw Error(ErrorKind::InvalidArgument,
                        "Class '" + record.name + "' still labels " + std::to_string(count) +
                            " samples; relabel them before deleting it.");
        }
        inverse.classesToWrite.push_back(record);
        samples.deleteClass(id);
    }
}

} // namespace

LabelEdit applyLabelEdit(Project& project, const LabelEdit& edit) {
    LabelEdit inverse;
    if (edit.empty()) {
        return inverse;
    }
    SampleRepository samples(project.database());
    store::Transaction transaction(project.database());
    writeClasses(samples, edit.classesToWrite, inverse);
    writeLabels(samples, edit.labels, inverse);
    writeShapeClasses(project, samples, edit.shapeClasses, inverse);
    writeSplits(samples, edit.splits, inverse);
    deleteClasses(samples, edit.classesToDelete, inverse);
    store::ProjectRepository(project.database()).bumpDatasetVersion();
    transaction.commit();
    // Undone last-to-first, so a sample changed twice in one edit gets its first state back.
    std::reverse(inverse.labels.begin(), inverse.labels.end());
    std::reverse(inverse.shapeClasses.begin(), inverse.shapeClasses.end());
    std::reverse(inverse.splits.begin(), inverse.splits.end());
    return inverse;
}

LabelEdit assignClassEdit(const std::vector<std::int64_t>& samples, std::int64_t classId) {
    LabelEdit edit;
    std::unordered_set<std::int64_t> seen;
    for (const std::int64_t sample : samples) {
        if (seen.insert(sample).second) {
            edit.labels.push_back({sample, classId});
        }
    }
    return edit;
}

LabelEdit assignSplitEdit(const std::vector<std::int64_t>& samples, const std::string& split) {
    requireSplit(split);
    LabelEdit edit;
    std::unordered_set<std::int64_t> seen;
    for (const std::int64_t sample : samples) {
        if (seen.insert(sample).second) {
            edit.splits.push_back({sample, split});
        }
    }
    return edit;
}

LabelEdit createClassEdit(Project& project, const std::string& name) {
    SampleRepository samples(project.database());
    const std::string clean = trimmed(name);
    requireFreeName(samples, clean, 0);
    ClassRecord record;
    record.id = samples.nextClassId();
    record.name = clean;
    // Stored, so the colour stays with the class when others are deleted around it.
    record.color = defaultClassColor(static_cast<std::size_t>(samples.classCount()));
    record.position = samples.nextClassPosition();
    LabelEdit edit;
    edit.classesToWrite.push_back(record);
    return edit;
}

LabelEdit renameClassEdit(Project& project, std::int64_t classId, const std::string& name) {
    SampleRepository samples(project.database());
    ClassRecord record = requireClass(samples, classId);
    record.name = trimmed(name);
    requireFreeName(samples, record.name, classId);
    LabelEdit edit;
    edit.classesToWrite.push_back(record);
    return edit;
}

LabelEdit mergeClassesEdit(Project& project, std::int64_t from, std::int64_t into) {
    SampleRepository samples(project.database());
    const ClassRecord source = requireClass(samples, from);
    requireClass(samples, into);
    if (from == into) {
        throw Error(ErrorKind::InvalidArgument,
                    "Class '" + source.name + "' cannot be merged into itself.");
    }
    LabelEdit edit = assignClassEdit(samples.samplesLabelled(from), into);
    edit.shapeClasses = moveShapes(project, from, into);
    edit.classesToDelete.push_back(from);
    return edit;
}

LabelEdit deleteClassEdit(Project& project, std::int64_t classId) {
    SampleRepository samples(project.database());
    requireClass(samples, classId);
    LabelEdit edit = assignClassEdit(samples.samplesLabelled(classId), 0);
    edit.shapeClasses = moveShapes(project, classId, 0);
    edit.classesToDelete.push_back(classId);
    return edit;
}

std::int64_t samplesWithClass(Project& project, std::int64_t classId) {
    return SampleRepository(project.database()).labelCount(classId);
}

} // namespace kestrel::dataset
