#include "project_controller.h"

#include "common/error.h"
#include "project/project.h"

#include <QtConcurrent/QtConcurrentRun>

namespace kestrel::app {

ProjectController::ProjectController(QObject* parent) : QObject(parent) {
    qRegisterMetaType<kestrel::ProjectSummary>("kestrel::ProjectSummary");
    connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, &ProjectController::finish);
}

ProjectController::~ProjectController() {
    // The job owns everything it touches; waiting keeps it from outliving the watcher that
    // would deliver its result, so closing the window mid-open is safe.
    watcher_.waitForFinished();
}

bool ProjectController::isBusy() const {
    return watcher_.isRunning();
}

void ProjectController::openProject(const QString& folder) {
    const std::string path = folder.toStdString();
    start(tr("Opening %1…").arg(folder), [path] {
        Project project = Project::open(path);
        return summarizeProject(project);
    });
}

void ProjectController::createProject(const QString& folder) {
    const std::string path = folder.toStdString();
    start(tr("Creating a project in %1…").arg(folder), [path] {
        Project project = Project::create(path);
        return summarizeProject(project);
    });
}

void ProjectController::start(const QString& activity, std::function<ProjectSummary()> job) {
    if (isBusy()) {
        pending_ = [this, activity, job] {
            start(activity, job);
        };
        return;
    }
    emit busyChanged(activity);
    watcher_.setFuture(QtConcurrent::run([job]() -> Outcome {
        try {
            return job();
        } catch (const Error& error) {
            return QString::fromStdString(error.what());
        } catch (const std::exception& error) {
            return QObject::tr("Unexpected error: %1").arg(QString::fromStdString(error.what()));
        }
    }));
}

void ProjectController::finish() {
    const Outcome outcome = watcher_.result();
    emit busyChanged({});
    if (const auto* summary = std::get_if<ProjectSummary>(&outcome)) {
        emit projectOpened(*summary);
    } else {
        emit failed(std::get<QString>(outcome));
    }
    if (pending_) {
        std::exchange(pending_, nullptr)();
    }
}

} // namespace kestrel::app
