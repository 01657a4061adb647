#include "annotation_controller.h"

#include "project_controller.h"
#include "store/annotation_repository.h"
#include "store_writer.h"

namespace kestrel::app {

// The widgets name the kind bits without seeing the store; they must stay the same numbers.
static_assert(store::kHasBox == 1 && store::kHasPolygon == 2 && store::kHasMask == 4);

AnnotationController::AnnotationController(ProjectController& projects, QObject* parent)
    : QObject(parent), projects_(projects), history_(std::make_shared<ShapeEditHistory>()) {
    // A new catalog (a project opened, an import) is when the browser needs the kinds again.
    connect(&projects_, &ProjectController::catalogLoaded, this, &AnnotationController::loadKinds);
    // kindsLoaded drops the browser's outlines, and the wiring reloads the shown shapes.
    connect(&projects_, &ProjectController::shapeClassesChanged, this,
            &AnnotationController::loadKinds);
}

void AnnotationController::load(std::int64_t sampleId, bool toCopy) {
    const ProjectRef project = projects_.current();
    if (!project.isOpen() || sampleId == 0) {
        return;
    }
    auto job = std::make_unique<LoadShapes>(
        project, sampleId, [this, project, toCopy](SampleShapes loaded) {
            if (project != projects_.current()) {
                return; // the window has opened another project meanwhile
            }
            if (!loaded.problems.empty()) {
                emit editFailed(QString::fromStdString(loaded.problems.front()));
            }
            if (toCopy) {
                emit shapesToCopyLoaded(loaded.sampleId, loaded.shapes);
            } else {
                emit shapesLoaded(loaded.sampleId, loaded.shapes);
            }
        });
    job->onFailure([this](const QString& message) { emit editFailed(message); });
    projects_.writer().submit(std::move(job), this);
}

void AnnotationController::loadShapes(std::int64_t sampleId) {
    load(sampleId, false);
}

void AnnotationController::loadShapesToCopy(std::int64_t sampleId) {
    load(sampleId, true);
}

void AnnotationController::loadKinds() {
    const ProjectRef project = projects_.current();
    if (!project.isOpen()) {
        return;
    }
    auto job = std::make_unique<LoadShapeKinds>(
        project, [this, project](std::shared_ptr<const ShapeKindsBySample> kinds) {
            if (project == projects_.current()) {
                emit kindsLoaded(kinds);
            }
        });
    job->onFailure([this](const QString& message) { emit editFailed(message); });
    projects_.writer().submit(std::move(job), this);
}

void AnnotationController::loadShapesOf(const std::vector<std::int64_t>& sampleIds) {
    const ProjectRef project = projects_.current();
    if (!project.isOpen() || sampleIds.empty()) {
        return;
    }
    auto job = std::make_unique<LoadShapesOf>(
        project, sampleIds, [this, project](std::shared_ptr<const ShapesBySample> shapes) {
            if (project == projects_.current()) {
                emit shapesOfSamplesLoaded(shapes);
            }
        });
    job->onFailure([this](const QString& message) { emit editFailed(message); });
    projects_.writer().submit(std::move(job), this);
}

void AnnotationController::applyEdit(quint64 token, const widgets::ShapeEdit& edit) {
    submitEdit(token, ApplyShapeEdit::Step::Apply, edit);
}

void AnnotationController::undoEdit(quint64 token) {
    submitEdit(token, ApplyShapeEdit::Step::Undo, {});
}

void AnnotationController::redoEdit(quint64 token) {
    submitEdit(token, ApplyShapeEdit::Step::Redo, {});
}

void AnnotationController::submitEdit(quint64 token, ApplyShapeEdit::Step step,
                                      const widgets::ShapeEdit& edit) {
    const ProjectRef project = projects_.current();
    if (!project.isOpen()) {
        return;
    }
    auto job = std::make_unique<ApplyShapeEdit>(
        project, history_, token, step, edit, [this, project](AppliedShapeEdit applied) {
            if (applied.applied && project == projects_.current()) {
                emit shapesChanged(applied.sample.sampleId, applied.sample.shapes);
                if (applied.classes) {
                    emit classCountsChanged(*applied.classes);
                }
            }
        });
    job->onFailure([this](const QString& message) { emit editFailed(message); });
    projects_.writer().submit(std::move(job), this);
}

} // namespace kestrel::app
