#pragma once

#include "dataset/importer.h"
#include "dataset/label_edit.h"
#include "dataset/sample_catalog.h"
#include "label_action.h"
#include "project/project_summary.h"

#include <atomic>
#include <functional>
#include <map>
#include <memory>

#include <QObject>
#include <QString>
#include <QThreadPool>

namespace kestrel {
class Project;
}

namespace kestrel::app {

// The open project, kept on one worker thread: the process's single SQLite writer. Opening,
// loading the catalog, labelling edits, undo/redo and imports run there in the order asked
// and report back with queued signals; the GUI thread never waits on disk. Core throws
// kestrel::Error with a ready-made sentence; that sentence is what failed() carries.
class ProjectController : public QObject {
    Q_OBJECT
public:
    explicit ProjectController(QObject* parent = nullptr);
    ~ProjectController() override;

    bool isBusy() const; // opening or creating a project

    // Runs `job` on the project thread, in order with every other project access, with the
    // open project (null when none is open). The training and runs controllers work through
    // it, so the project keeps one SQLite writer. `job` must not throw.
    void withProject(std::function<void(const std::shared_ptr<Project>&)> job);

public slots:
    void openProject(const QString& folder);
    void createProject(const QString& folder);
    // Opens `folder`, first creating the demo project there when it holds none.
    void openDemoProject(const QString& folder);

    void applyLabelAction(quint64 token, const kestrel::widgets::LabelAction& action);
    void undoLabelAction(quint64 token);
    void redoLabelAction(quint64 token);

    void refreshSummary(); // answers with summaryChanged

    void startImport(const QString& source, const QString& format);
    void cancelImport();

signals:
    void busyChanged(const QString& activity); // empty when idle
    // Name and folder only; the counts follow in summaryChanged, after catalogLoaded.
    void projectOpened(const kestrel::ProjectSummary& summary);
    void catalogLoaded(const std::shared_ptr<kestrel::dataset::SampleCatalog>& catalog);
    void failed(const QString& message);

    // After an edit, its undo or its redo is committed: what changed, to show it.
    void labelsChanged(const std::vector<kestrel::dataset::LabelChange>& labels,
                       const std::vector<kestrel::dataset::SplitChange>& splits);
    void classesChanged(const std::vector<kestrel::dataset::CatalogClass>& classes);
    void summaryChanged(const kestrel::ProjectSummary& summary);
    void editFailed(const QString& message);

    void importProgress(const QString& phase, qint64 done, qint64 total);
    void importFinished(const kestrel::dataset::ImportReport& report);
    void importFailed(const QString& message);

private:
    struct Session;
    using Job = std::function<void(Session&)>;

    void run(Job job);
    void openWith(const QString& activity, std::function<void(Session&)> open);
    void loadInto(Session& session, std::unique_ptr<Project> project);
    void applyStored(quint64 token, bool undo);
    void publishEdit(Session& session, const dataset::LabelEdit& applied);
    template <typename Signal, typename... Args>
    void post(Signal signal, Args... args);

    QThreadPool worker_; // one thread: every project access happens in order on it
    std::shared_ptr<Session> session_;
    std::atomic<bool> cancelImport_{false};
    int opening_ = 0; // opens queued or running, counted on the GUI thread
    // The latest open asked for; earlier ones still queued are skipped.
    std::atomic<quint64> openSerial_{0};
};

} // namespace kestrel::app
