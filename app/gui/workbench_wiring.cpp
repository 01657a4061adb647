#include "workbench_wiring.h"

#include "common/build_info.h"
#include "image_service.h"
#include "labelling_controller.h"
#include "main_window.h"
#include "project_controller.h"

namespace kestrel::app {

namespace {

// Values that cross threads in queued signals must be known to Qt's meta-type system.
void registerQueuedTypes() {
    qRegisterMetaType<kestrel::ProjectSummary>("kestrel::ProjectSummary");
    qRegisterMetaType<std::shared_ptr<kestrel::dataset::SampleCatalog>>();
    qRegisterMetaType<std::vector<kestrel::dataset::LabelChange>>();
    qRegisterMetaType<std::vector<kestrel::dataset::SplitChange>>();
    qRegisterMetaType<std::vector<kestrel::dataset::CatalogClass>>();
    qRegisterMetaType<kestrel::dataset::ImportReport>();
    qRegisterMetaType<kestrel::widgets::LabelAction>();
    qRegisterMetaType<std::int64_t>("std::int64_t");
}

} // namespace

void wireWorkbench(widgets::MainWindow& window, ProjectController& controller,
                   ImageService& images) {
    using widgets::LabellingController;
    using widgets::MainWindow;
    registerQueuedTypes();
    window.setThumbnailSource(&images);

    // Another project replaces this one only if the window may leave it (no run training).
    QObject::connect(&window, &MainWindow::openProjectRequested, &controller,
                     [&window, &controller](const QString& folder) {
                         if (window.mayLeaveProject()) {
                             controller.openProject(folder);
                         }
                     });
    QObject::connect(&window, &MainWindow::createProjectRequested, &controller,
                     [&window, &controller](const QString& folder) {
                         if (window.mayLeaveProject()) {
                             controller.createProject(folder);
                         }
                     });
    QObject::connect(&window, &MainWindow::demoProjectRequested, &controller,
                     [&window, &controller](const QString& folder) {
                         if (window.mayLeaveProject()) {
                             controller.openDemoProject(folder);
                         }
                     });
    QObject::connect(&controller, &ProjectController::projectOpened, &window,
                     [&window, &images](const ProjectSummary& summary) {
                         images.setCacheFolder(QString::fromStdString(summary.folder) + "/cache");
                         window.showProject(summary);
                     });
    QObject::connect(&controller, &ProjectController::catalogLoaded, &window,
                     &MainWindow::showCatalog);
    QObject::connect(&controller, &ProjectController::summaryChanged, &window,
                     &MainWindow::showSummary);
    QObject::connect(&window, &MainWindow::summaryRefreshRequested, &controller,
                     &ProjectController::refreshSummary);
    QObject::connect(&controller, &ProjectController::failed, &window, &MainWindow::showError);
    QObject::connect(&controller, &ProjectController::busyChanged, &window, &MainWindow::setBusy);

    LabellingController* labelling = window.labelling();
    QObject::connect(labelling, &LabellingController::editRequested, &controller,
                     &ProjectController::applyLabelAction);
    QObject::connect(labelling, &LabellingController::undoRequested, &controller,
                     &ProjectController::undoLabelAction);
    QObject::connect(labelling, &LabellingController::redoRequested, &controller,
                     &ProjectController::redoLabelAction);
    QObject::connect(&controller, &ProjectController::labelsChanged, &window,
                     &MainWindow::applyLabelChanges);
    QObject::connect(&controller, &ProjectController::classesChanged, &window,
                     &MainWindow::showClasses);
    QObject::connect(&controller, &ProjectController::editFailed, &window, &MainWindow::showError);

    QObject::connect(&window, &MainWindow::importRequested, &controller,
                     &ProjectController::startImport);
    QObject::connect(&window, &MainWindow::importCancelRequested, &controller,
                     &ProjectController::cancelImport);
    QObject::connect(&controller, &ProjectController::importProgress, &window,
                     &MainWindow::showImportProgress);
    QObject::connect(&controller, &ProjectController::importFinished, &window,
                     &MainWindow::showImportReport);
    QObject::connect(&controller, &ProjectController::importFailed, &window,
                     &MainWindow::showImportFailure);

    QObject::connect(&window, &MainWindow::imageRequested, &images, &ImageService::requestImage);
    QObject::connect(&images, &ImageService::imageReady, &window, &MainWindow::showImage);
    QObject::connect(&images, &ImageService::imageFailed, &window, &MainWindow::showImageError);

    QList<QPair<QString, QString>> versions;
    for (const auto& [name, version] : libraryVersions()) {
        versions.append({QString::fromStdString(name), QString::fromStdString(version)});
    }
    window.setLibraryVersions(versions);
}

} // namespace kestrel::app
