#include "project_controller.h"

#include "store_writer.h"

#include <chrono>
#include <string>

#include <QMetaObject>

namespace kestrel::app {

using widgets::LabelAction;

ProjectController::ProjectController(QObject* parent)
    : QObject(parent), writer_(std::make_unique<StoreWriter>()),
      history_(std::make_shared<LabelEditHistory>()) {}

ProjectController::~ProjectController() {
    // The writer runs what was submitted (a write is never cut off halfway when the window
    // closes) before the members its jobs read go.
    cancelImport_ = true;
    writer_.reset();
}

bool ProjectController::isBusy() const {
    return opening_ > 0;
}

void ProjectController::open(Opening mode, const QString& folder, const QString& activity) {
    const std::uint64_t serial = ++openSerial_;
    ++opening_;
    emit busyChanged(activity);
    const auto jobMode = mode == Opening::Open     ? OpenProject::Mode::Open
                         : mode == Opening::Create ? OpenProject::Mode::Create
                                                   : OpenProject::Mode::Demo;
    auto job = std::make_unique<OpenProject>(
        jobMode, folder.toStdString(), serial, openSerial_, history_,
        [this](std::optional<OpenedProject> opened) {
            if (!opened) {
                openingEnded(); // a later open made this one moot
                return;
            }
            current_ = opened->project;
            emit projectOpened(opened->heading);
            emit catalogLoaded(opened->catalog);
            // The whole-project counts take another pass: after the grid, and the open is
            // done when they are shown.
            auto summary = std::make_unique<LoadSummary>(current_, [this](ProjectSummary counts) {
                emit summaryChanged(counts);
                openingEnded();
            });
            summary->onFailure([this](const QString& message) {
                emit failed(message);
                openingEnded();
            });
            writer_->submit(std::move(summary), this);
        });
    job->onFailure([this](const QString& message) {
        emit failed(message);
        openingEnded();
    });
    writer_->submit(std::move(job), this);
}

void ProjectController::openingEnded() {
    if (--opening_ == 0) {
        emit busyChanged({});
    }
}

// Replaces the open project only once the new one has opened and loaded: a project that
// fails to open leaves the current one in place.
void ProjectController::openProject(const QString& folder) {
    open(Opening::Open, folder, tr("Opening %1…").arg(folder));
}

void ProjectController::createProject(const QString& folder) {
    open(Opening::Create, folder, tr("Creating a project in %1…").arg(folder));
}

void ProjectController::openDemoProject(const QString& folder) {
    open(Opening::Demo, folder, tr("Opening the demo project in %1…").arg(folder));
}

void ProjectController::applyLabelAction(quint64 token, const LabelAction& action) {
    submitEdit(token, ApplyLabelEdit::Step::Apply, action);
}

void ProjectController::undoLabelAction(quint64 token) {
    submitEdit(token, ApplyLabelEdit::Step::Undo, {});
}

void ProjectController::redoLabelAction(quint64 token) {
    submitEdit(token, ApplyLabelEdit::Step::Redo, {});
}

void ProjectController::submitEdit(quint64 token, ApplyLabelEdit::Step step,
                                   const LabelAction& action) {
    if (!current_.isOpen()) {
        return;
    }
    const ProjectRef project = current_;
    auto job = std::make_unique<ApplyLabelEdit>(
        project, history_, token, step, action, [this, project](AppliedLabelEdit applied) {
            // Shown only while its project is: the window may have opened another meanwhile.
            if (!applied.applied || project != current_) {
                return;
            }
            emit labelsChanged(applied.edit.labels, applied.edit.splits);
            if (applied.classes) {
                emit classesChanged(*applied.classes);
            }
            if (!applied.edit.shapeClasses.empty()) {
                emit shapeClassesChanged();
            }
        });
    job->onFailure([this](const QString& message) { emit editFailed(message); });
    writer_->submit(std::move(job), this);
}

void ProjectController::refreshSummary() {
    if (!current_.isOpen()) {
        return;
    }
    const ProjectRef project = current_;
    writer_->submit(std::make_unique<LoadSummary>(project,
                                                  [this, project](ProjectSummary summary) {
                                                      if (project == current_) {
                                                          emit summaryChanged(summary);
                                                      }
                                                  }),
                    this);
}

void ProjectController::startImport(const QString& source, const QString& format) {
    if (!current_.isOpen()) {
        emit importFailed(tr("Open a project before importing."));
        return;
    }
    cancelImport_ = false;
    // Progress arrives per file on the writer; the window needs a few updates a second at most.
    auto last = std::make_shared<std::chrono::steady_clock::time_point>(
        std::chrono::steady_clock::now() - std::chrono::seconds(1));
    auto lastPhase = std::make_shared<std::string>();
    auto progress = [this, last, lastPhase](const dataset::ImportProgress& step) {
        const auto now = std::chrono::steady_clock::now();
        if (step.phase == *lastPhase && step.done != step.total &&
            now - *last < std::chrono::milliseconds(50)) {
            return;
        }
        *last = now;
        *lastPhase = step.phase;
        // The writer stops before this object goes (see the destructor), so `this` holds.
        QMetaObject::invokeMethod(
            this,
            [this, phase = QString::fromStdString(step.phase), done = qint64(step.done),
             total = qint64(step.total)] { emit importProgress(phase, done, total); },
            Qt::QueuedConnection);
    };
    const ProjectRef project = current_;
    auto job = std::make_unique<ImportSource>(
        project, source.toStdString(), format.toStdString(), cancelImport_, progress,
        [this, project](ImportedSource imported) {
            emit importFinished(imported.report);
            if (!imported.report.cancelled && project == current_) {
                emit summaryChanged(*imported.summary);
                emit catalogLoaded(imported.catalog);
            }
        });
    job->onFailure([this](const QString& message) { emit importFailed(message); });
    writer_->submit(std::move(job), this);
}

void ProjectController::cancelImport() {
    cancelImport_ = true;
}

} // namespace kestrel::app
