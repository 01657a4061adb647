#include "dataset_export_controller.h"

#include "common/error.h"
#include "dataset/dataset_export.h"
#include "project/project.h"
#include "project_controller.h"
#include "store_writer.h"
#include "task_manager.h"

namespace kestrel::app {

DatasetExportController::DatasetExportController(ProjectController& projects, TaskManager& tasks,
                                                 QObject* parent)
    : QObject(parent), projects_(projects), tasks_(tasks) {
    connect(&tasks_, &TaskManager::taskProgress, this,
            [this](quint64 id, qint64 done, qint64 total, const QString&) {
                if (task_ && task_->id() == id) {
                    emit exportProgress(done, total);
                }
            });
}

DatasetExportController::~DatasetExportController() {
    if (task_) {
        task_->cancel();
        task_->waitUntilEnded();
    }
}

void DatasetExportController::startExport(const QString& format, const QString& folder,
                                          const QString& split) {
    if (task_) {
        emit exportFailed(tr("An export is already running; wait for it to end."));
        return;
    }
    if (!projects_.current().isOpen()) {
        emit exportFailed(tr("Open a project before exporting a dataset."));
        return;
    }
    const auto parsed = dataset::parseExportFormat(format.toStdString());
    if (!parsed) {
        emit exportFailed(
            tr("The export format '%1' is not one of coco, yolo, voc and mvtec.").arg(format));
        return;
    }
    dataset::DatasetExportOptions options;
    options.format = *parsed;
    options.folder = folder.toStdString();
    if (!split.isEmpty()) {
        options.split = split.toStdString();
    }
    auto report = std::make_shared<dataset::ExportReport>();
    StoreWriter& writer = projects_.writer();
    task_ = tasks_.start(
        tr("Dataset export"), projects_.current(),
        [options, report, &writer](Task& task) {
            writer.waitUntilDrained(); // every edit asked before the export is in it
            Project project = Project::open(task.project().folder); // reads only
            *report = dataset::exportDataset(
                project, options, [&task](std::size_t done, std::size_t total) {
                    if (task.isCancelled()) {
                        throw Error(ErrorKind::InvalidArgument, "The export was cancelled.");
                    }
                    task.setProgress(static_cast<std::int64_t>(done),
                                     static_cast<std::int64_t>(total), {});
                });
        },
        this,
        [this, report](const Task& task) {
            task_.reset();
            if (task.state() == Task::State::Finished) {
                emit exportFinished(*report);
            } else {
                emit exportFailed(task.error().isEmpty() ? tr("The export was cancelled.")
                                                         : task.error());
            }
        });
}

} // namespace kestrel::app
