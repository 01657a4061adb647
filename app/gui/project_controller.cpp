#include "project_controller.h"

#include "common/error.h"
#include "demo/demo_dataset.h"
#include "error_message.h"
#include "project/project.h"

#include <chrono>
#include <filesystem>

#include <QMetaObject>

namespace kestrel::app {

using dataset::LabelEdit;
using widgets::LabelAction;

namespace {

// The core edit for an action, built where the project can be read (merge and delete
// need the samples of the class).
LabelEdit editFor(Project& project, const LabelAction& action) {
    switch (action.kind) {
    case LabelAction::Kind::AssignClass:
        return dataset::assignClassEdit(action.samples, action.classId);
    case LabelAction::Kind::AssignSplit:
        return dataset::assignSplitEdit(action.samples, action.text.toStdString());
    case LabelAction::Kind::CreateClass:
        return dataset::createClassEdit(project, action.text.toStdString());
    case LabelAction::Kind::RenameClass:
        return dataset::renameClassEdit(project, action.classId, action.text.toStdString());
    case LabelAction::Kind::MergeClasses:
        return dataset::mergeClassesEdit(project, action.classId, action.intoClass);
    case LabelAction::Kind::DeleteClass:
        return dataset::deleteClassEdit(project, action.classId);
    }
    return {};
}

} // namespace

struct ProjectController::Session {
    std::shared_ptr<Project> project; // shared with a training run that outlives the session
    // Per undo-stack token: the edit as first applied, and what undoes it now.
    std::map<quint64, std::pair<LabelEdit, LabelEdit>> edits;
};

ProjectController::ProjectController(QObject* parent)
    : QObject(parent), session_(std::make_shared<Session>()) {
    worker_.setMaxThreadCount(1);
}

ProjectController::~ProjectController() {
    // Jobs own what they touch and report through queued calls that die with this object;
    // waiting keeps a write from being cut off halfway when the window closes.
    cancelImport_ = true;
    worker_.waitForDone();
}

bool ProjectController::isBusy() const {
    return opening_ > 0;
}

template <typename Signal, typename... Args>
void ProjectController::post(Signal signal, Args... args) {
    QMetaObject::invokeMethod(
        this, [this, signal, args...] { emit(this->*signal)(args...); }, Qt::QueuedConnection);
}

void ProjectController::withProject(std::function<void(const std::shared_ptr<Project>&)> job) {
    run([job = std::move(job)](Session& session) { job(session.project); });
}

void ProjectController::run(Job job) {
    std::shared_ptr<Session> session = session_;
    worker_.start([session, job = std::move(job)] { job(*session); });
}

void ProjectController::openWith(const QString& activity, std::function<void(Session&)> open) {
    const quint64 serial = ++openSerial_;
    ++opening_;
    emit busyChanged(activity);
    run([this, serial, open = std::move(open)](Session& session) {
        QString error;
        // A later open asked while this one waited makes it moot: the user's latest wins.
        if (serial == openSerial_.load()) {
            try {
                open(session);
            } catch (const std::exception& exception) {
                error = errorMessage(exception);
            }
        }
        QMetaObject::invokeMethod(
            this,
            [this, error] {
                if (!error.isEmpty()) {
                    emit failed(error);
                }
                if (--opening_ == 0) {
                    emit busyChanged({});
                }
            },
            Qt::QueuedConnection);
    });
}

// Replaces the open project only once the new one has opened and loaded: a project that
// fails to open leaves the current one in place.
void ProjectController::openProject(const QString& folder) {
    const std::string path = folder.toStdString();
    openWith(tr("Opening %1…").arg(folder), [this, path](Session& session) {
        auto project = std::make_unique<Project>(Project::open(path));
        loadInto(session, std::move(project));
    });
}

void ProjectController::createProject(const QString& folder) {
    const std::string path = folder.toStdString();
    openWith(tr("Creating a project in %1…").arg(folder), [this, path](Session& session) {
        auto project = std::make_unique<Project>(Project::create(path));
        loadInto(session, std::move(project));
    });
}

void ProjectController::openDemoProject(const QString& folder) {
    const std::filesystem::path path = folder.toStdString();
    openWith(tr("Opening the demo project in %1…").arg(folder), [this, path](Session& session) {
        std::unique_ptr<Project> project;
        if (std::filesystem::exists(path / Project::kDatabaseFileName)) {
            project = std::make_unique<Project>(Project::open(path));
        } else {
            project = std::make_unique<Project>(Project::create(path, "Kestrel demo"));
            demo::addDemoData(*project);
        }
        loadInto(session, std::move(project));
    });
}

void ProjectController::loadInto(Session& session, std::unique_ptr<Project> project) {
    // The grid first: the overview's counts take another pass over every sample, so they
    // follow as summaryChanged.
    const ProjectSummary heading = summarizeProjectHeading(*project);
    auto catalog = std::make_shared<dataset::SampleCatalog>(dataset::loadCatalog(*project));
    session.project = std::move(project);
    session.edits.clear();
    post(&ProjectController::projectOpened, heading);
    post(&ProjectController::catalogLoaded, catalog);
    post(&ProjectController::summaryChanged, summarizeProject(*session.project));
}

void ProjectController::applyLabelAction(quint64 token, const LabelAction& action) {
    run([this, token, action](Session& session) {
        if (!session.project) {
            return;
        }
        try {
            const LabelEdit forward = editFor(*session.project, action);
            const LabelEdit inverse = dataset::applyLabelEdit(*session.project, forward);
            session.edits[token] = {forward, inverse};
            publishEdit(session, forward);
        } catch (const std::exception& exception) {
            post(&ProjectController::editFailed, errorMessage(exception));
        }
    });
}

void ProjectController::undoLabelAction(quint64 token) {
    applyStored(token, true);
}

void ProjectController::redoLabelAction(quint64 token) {
    applyStored(token, false);
}

void ProjectController::applyStored(quint64 token, bool undo) {
    run([this, token, undo](Session& session) {
        const auto found = session.edits.find(token);
        if (!session.project || found == session.edits.end()) {
            return; // the action itself failed, so there is nothing to undo or redo
        }
        auto& [forward, inverse] = found->second;
        try {
            const LabelEdit& edit = undo ? inverse : forward;
            const LabelEdit reverse = dataset::applyLabelEdit(*session.project, edit);
            // Redo replays the action; what undoes it is whatever it replaced this time.
            if (!undo) {
                inverse = reverse;
            }
            publishEdit(session, edit);
        } catch (const std::exception& exception) {
            post(&ProjectController::editFailed, errorMessage(exception));
        }
    });
}

void ProjectController::publishEdit(Session& session, const LabelEdit& applied) {
    post(&ProjectController::labelsChanged, applied.labels, applied.splits);
    const bool classesTouched = !applied.classesToWrite.empty() ||
                                !applied.classesToDelete.empty() || !applied.labels.empty();
    if (classesTouched) {
        // Counts per class change with every label; one grouped query, ~ms for 100k labels.
        post(&ProjectController::classesChanged, dataset::loadCatalogClasses(*session.project));
    }
}

void ProjectController::refreshSummary() {
    run([this](Session& session) {
        if (session.project) {
            post(&ProjectController::summaryChanged, summarizeProject(*session.project));
        }
    });
}

void ProjectController::startImport(const QString& source, const QString& format) {
    cancelImport_ = false;
    const std::string path = source.toStdString();
    const std::string formatName = format.toStdString();
    run([this, path, formatName](Session& session) {
        if (!session.project) {
            post(&ProjectController::importFailed, tr("Open a project before importing."));
            return;
        }
        try {
            dataset::ImportOptions options;
            const auto parsed = dataset::parseImportFormat(formatName);
            if (!parsed) {
                throw Error(ErrorKind::InvalidArgument,
                            "Import format '" + formatName + "' is not known.");
            }
            options.format = *parsed;
            // Progress arrives per file; the window needs a few updates a second at most.
            auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
            std::string lastPhase;
            auto progress = [&](const dataset::ImportProgress& step) {
                const auto now = std::chrono::steady_clock::now();
                if (step.phase == lastPhase && step.done != step.total &&
                    now - last < std::chrono::milliseconds(50)) {
                    return;
                }
                last = now;
                lastPhase = step.phase;
                post(&ProjectController::importProgress, QString::fromStdString(step.phase),
                     qint64(step.done), qint64(step.total));
            };
            const dataset::ImportReport report =
                dataset::importSource(*session.project, path, options, progress, &cancelImport_);
            post(&ProjectController::importFinished, report);
            if (!report.cancelled) {
                post(&ProjectController::summaryChanged, summarizeProject(*session.project));
                post(&ProjectController::catalogLoaded,
                     std::make_shared<dataset::SampleCatalog>(
                         dataset::loadCatalog(*session.project)));
            }
        } catch (const std::exception& exception) {
            post(&ProjectController::importFailed, errorMessage(exception));
        }
    });
}

void ProjectController::cancelImport() {
    cancelImport_ = true;
}

} // namespace kestrel::app
