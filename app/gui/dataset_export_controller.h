#pragma once

#include "dataset/dataset_writers.h"
#include "task.h"

#include <memory>

#include <QObject>
#include <QString>

namespace kestrel::app {

class ProjectController;
class TaskManager;

// Exports the window's project as a dataset (dataset::exportDataset) as a Task: it reads the
// project through a connection of its own once the writer has committed what was asked
// before, so labels and shapes drawn just now are in the export. One export at a time.
class DatasetExportController : public QObject {
    Q_OBJECT
public:
    DatasetExportController(ProjectController& projects, TaskManager& tasks,
                            QObject* parent = nullptr);
    ~DatasetExportController() override; // cancels a running export and waits for it

    bool isExporting() const { return task_ != nullptr; }

public slots:
    // format "coco", "yolo", "voc" or "mvtec"; split empty for every sample.
    void startExport(const QString& format, const QString& folder, const QString& split);

signals:
    void exportProgress(qint64 done, qint64 total);
    void exportFinished(const kestrel::dataset::ExportReport& report);
    void exportFailed(const QString& message);

private:
    ProjectController& projects_;
    TaskManager& tasks_;
    std::shared_ptr<Task> task_;
};

} // namespace kestrel::app
