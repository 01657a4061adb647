#include "annotation_store_jobs.h"

#include "common/error.h"
#include "dataset/mask_files.h"
#include "project/project.h"
#include "store/annotation_repository.h"
#include "store/sqlite.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <unordered_set>

namespace kestrel::app {

using annotations::Shape;
using widgets::ShapeEdit;

namespace {

std::unordered_set<std::int64_t> idsOf(const std::vector<Shape>& shapes) {
    std::unordered_set<std::int64_t> ids;
    for (const Shape& shape : shapes) {
        if (shape.id != 0) {
            ids.insert(shape.id);
        }
    }
    return ids;
}

// A shape the edit names has gone from the store: another window or the CLI changed the
// sample meanwhile. The transaction rolls back, so nothing of the edit is kept.
[[noreturn]] void missing(const Project& project, std::int64_t shapeId, std::int64_t sample) {
    throw Error(ErrorKind::NotFound, "Shape " + std::to_string(shapeId) + " of sample " +
                                         std::to_string(sample) + " is no longer in " +
                                         project.databaseFile().string() +
                                         ", so the edit was not saved.");
}

void removeShape(store::AnnotationRepository& repo, const Project& project, std::int64_t id,
                 std::int64_t sample) {
    if (!repo.remove(id)) {
        missing(project, id, sample);
    }
}

void updateShape(store::AnnotationRepository& repo, const Project& project, const Shape& shape,
                 std::int64_t sample) {
    if (!repo.update(shape)) {
        missing(project, shape.id, sample);
    }
}

// The edit forward: `inserted` empty on the first apply (filled with the new ids), else the
// ids a redo gives the new shapes back.
void applyForward(store::AnnotationRepository& repo, const Project& project, const ShapeEdit& edit,
                  std::vector<std::int64_t>& inserted, bool replay) {
    const auto kept = idsOf(edit.after);
    for (const Shape& shape : edit.before) {
        if (kept.count(shape.id) == 0) {
            removeShape(repo, project, shape.id, edit.sampleId);
        }
    }
    std::size_t next = 0;
    for (const Shape& shape : edit.after) {
        if (shape.id != 0) {
            updateShape(repo, project, shape, edit.sampleId);
        } else if (replay) {
            Shape again = shape;
            again.id = inserted.at(next++);
            repo.insertWithId(edit.sampleId, again);
        } else {
            inserted.push_back(repo.insert(edit.sampleId, shape));
        }
    }
}

// The edit backward: its new shapes go, the shapes it changed or removed come back as they
// were, with their ids.
void applyBackward(store::AnnotationRepository& repo, const Project& project, const ShapeEdit& edit,
                   const std::vector<std::int64_t>& inserted) {
    for (const std::int64_t id : inserted) {
        removeShape(repo, project, id, edit.sampleId);
    }
    const auto kept = idsOf(edit.after);
    for (const Shape& shape : edit.before) {
        if (kept.count(shape.id) != 0) {
            updateShape(repo, project, shape, edit.sampleId);
        } else {
            repo.insertWithId(edit.sampleId, shape);
        }
    }
}

// Whether an edit changes how many shapes a class has: added, removed or reclassed shapes do;
// moves, resizes and hiding, most of the edits while drawing, do not.
bool changesClassCounts(const ShapeEdit& edit) {
    const auto classesOf = [](const std::vector<Shape>& shapes) {
        std::vector<std::int64_t> classes;
        for (const Shape& shape : shapes) {
            classes.push_back(shape.classId);
        }
        std::sort(classes.begin(), classes.end());
        return classes;
    };
    return classesOf(edit.before) != classesOf(edit.after);
}

} // namespace

void LoadShapes::perform(Project& project) {
    result_.sampleId = sampleId_;
    result_.shapes = store::AnnotationRepository(project.database()).shapesOf(sampleId_);
    dataset::readMaskFiles(project, result_.shapes, result_.problems);
}

ApplyShapeEdit::ApplyShapeEdit(ProjectRef project, std::shared_ptr<ShapeEditHistory> history,
                               std::uint64_t token, Step step, ShapeEdit edit, Reply reply)
    : StoreQuery(std::move(project), std::move(reply)), history_(std::move(history)), token_(token),
      step_(step), edit_(std::move(edit)) {}

void ApplyShapeEdit::perform(Project& project) {
    store::AnnotationRepository repo(project.database());
    std::int64_t sample = 0;
    bool recount = false;
    if (step_ == Step::Apply) {
        // Edits of a project the window has left can never be undone: the window clears its
        // undo stack when another project opens.
        for (auto entry = history_->entries.begin(); entry != history_->entries.end();) {
            entry = entry->second.project.sameFolder(this->project())
                        ? std::next(entry)
                        : history_->entries.erase(entry);
        }
        std::vector<std::int64_t> inserted;
        store::Transaction transaction(project.database());
        applyForward(repo, project, edit_, inserted, false);
        transaction.commit();
        sample = edit_.sampleId;
        recount = changesClassCounts(edit_);
        history_->entries[token_] = {this->project(), std::move(edit_), std::move(inserted)};
    } else {
        const auto found = history_->entries.find(token_);
        if (found == history_->entries.end() ||
            !found->second.project.sameFolder(this->project())) {
            return; // the edit itself failed (or was another project's): nothing to undo
        }
        auto& entry = found->second;
        store::Transaction transaction(project.database());
        if (step_ == Step::Undo) {
            applyBackward(repo, project, entry.edit, entry.insertedIds);
        } else {
            applyForward(repo, project, entry.edit, entry.insertedIds, true);
        }
        transaction.commit();
        sample = entry.edit.sampleId;
        recount = changesClassCounts(entry.edit);
    }
    result_.applied = true;
    result_.sample.sampleId = sample;
    result_.sample.shapes = repo.shapesOf(sample);
    dataset::readMaskFiles(project, result_.sample.shapes, result_.sample.problems);
    if (recount) {
        result_.classes = dataset::loadCatalogClasses(project); // the class panel's shape counts
    }
}

void LoadShapeKinds::perform(Project& project) {
    result_ = std::make_shared<const ShapeKindsBySample>(
        store::AnnotationRepository(project.database()).kindsBySample());
}

void LoadShapesOf::perform(Project& project) {
    store::AnnotationRepository repo(project.database());
    auto shapes = std::make_shared<ShapesBySample>();
    std::vector<std::string> unreadable; // the thumbnail draws what it can; the viewer says why
    for (const std::int64_t id : sampleIds_) {
        (*shapes)[id] = repo.shapesOf(id);
        dataset::readMaskFiles(project, (*shapes)[id], unreadable);
    }
    result_ = std::move(shapes);
}

} // namespace kestrel::app
