#pragma once

#include "dataset/importer.h"
#include "dataset/label_edit.h"
#include "dataset/project_summary.h"
#include "dataset/sample_catalog.h"
#include "label_action.h"
#include "project_ref.h"
#include "project_store_jobs.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include <QObject>
#include <QString>

namespace kestrel::app {

class StoreWriter;

// The window's project. Opening, the catalog, labelling edits, undo/redo and imports run as
// StoreJobs on the StoreWriter it owns, the process's single SQLite writer, in the order asked,
// and report back with queued signals; the GUI thread never waits on disk. Core throws
// kestrel::Error with a ready-made sentence; that sentence is what failed() carries.
class ProjectController : public QObject {
    Q_OBJECT
public:
    explicit ProjectController(QObject* parent = nullptr);
    ~ProjectController() override; // runs the store jobs already submitted, then stops

    bool isBusy() const; // opening or creating a project

    // The project the window shows (empty before the first has opened): what a job or task
    // made now belongs to. GUI thread.
    const ProjectRef& current() const { return current_; }
    // The writer, for the other controllers' store jobs.
    StoreWriter& writer() { return *writer_; }

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
    // An edit gave shapes another class (a merge, a deletion, their undo): shown shapes and
    // their outlines are stale.
    void shapeClassesChanged();
    void summaryChanged(const kestrel::ProjectSummary& summary);
    void editFailed(const QString& message);

    void importProgress(const QString& phase, qint64 done, qint64 total);
    void importFinished(const kestrel::dataset::ImportReport& report);
    void importFailed(const QString& message);

private:
    enum class Opening { Open, Create, Demo };
    void open(Opening mode, const QString& folder, const QString& activity);
    void submitEdit(quint64 token, ApplyLabelEdit::Step step, const widgets::LabelAction& action);
    void openingEnded();

    std::unique_ptr<StoreWriter> writer_;
    std::shared_ptr<LabelEditHistory> history_; // the writer's; shared with its edit jobs
    ProjectRef current_;
    std::atomic<bool> cancelImport_{false};
    int opening_ = 0; // opens queued or running, counted on the GUI thread
    // The latest open asked for; earlier ones still queued are skipped.
    std::atomic<std::uint64_t> openSerial_{0};
};

} // namespace kestrel::app
