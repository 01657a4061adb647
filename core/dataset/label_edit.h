#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::dataset {

// One change to what the user curates: classes, labels, the classes of shapes and splits. Applying
// an edit returns its inverse, which is how the workbench undoes and redoes: every labelling action
// is one edit, committed in one transaction.
struct ClassRecord {
    std::int64_t id = 0;
    std::string name;
    std::string color; // empty: none stored
    int hotkey = 0;    // 0: none stored
    int position = 0;
};

struct LabelChange {
    std::int64_t sampleId = 0;
    std::int64_t classId = 0; // 0: remove the label
};

struct SplitChange {
    std::int64_t sampleId = 0;
    std::string split; // "train", "val", "test" or empty for none
};

// A shape (box, polygon or mask) given another class.
struct ShapeClassChange {
    std::int64_t shapeId = 0;
    std::int64_t classId = 0; // 0: no class
};

struct LabelEdit {
    std::vector<ClassRecord> classesToWrite; // created, or updated by id
    std::vector<LabelChange> labels;
    std::vector<ShapeClassChange> shapeClasses;
    std::vector<SplitChange> splits;
    std::vector<std::int64_t> classesToDelete; // after the label and shape changes

    bool empty() const {
        return classesToWrite.empty() && labels.empty() && shapeClasses.empty() && splits.empty() &&
               classesToDelete.empty();
    }
};

// Applies `edit` in one transaction, bumps the dataset version when anything changed, and
// returns the edit that restores the previous state. Throws kestrel::Error naming the value
// at fault (an unknown sample or class, a duplicate class name, a class still in use) and
// leaves the project untouched.
LabelEdit applyLabelEdit(Project& project, const LabelEdit& edit);

// Builders for the workbench's actions. They read the project but write nothing.
LabelEdit assignClassEdit(const std::vector<std::int64_t>& samples, std::int64_t classId);
LabelEdit assignSplitEdit(const std::vector<std::int64_t>& samples, const std::string& split);
LabelEdit createClassEdit(Project& project, const std::string& name);
LabelEdit renameClassEdit(Project& project, std::int64_t classId, const std::string& name);
// Relabels every sample and shape of `from` as `into`, then deletes `from`.
LabelEdit mergeClassesEdit(Project& project, std::int64_t from, std::int64_t into);
// Leaves the samples of `classId` unlabelled and its shapes without a class (undo gives them
// back), then deletes the class.
LabelEdit deleteClassEdit(Project& project, std::int64_t classId);

// Samples labelled `classId`: what merge and delete change, for the question asked first.
std::int64_t samplesWithClass(Project& project, std::int64_t classId);

} // namespace kestrel::dataset
