#include "workbench_wiring.h"

#include "common/build_info.h"
#include "main_window.h"
#include "project_controller.h"

namespace kestrel::app {

void wireWorkbench(widgets::MainWindow& window, ProjectController& controller) {
    using widgets::MainWindow;
    QObject::connect(&window, &MainWindow::openProjectRequested, &controller,
                     &ProjectController::openProject);
    QObject::connect(&window, &MainWindow::createProjectRequested, &controller,
                     &ProjectController::createProject);
    QObject::connect(&controller, &ProjectController::projectOpened, &window,
                     &MainWindow::showProject);
    QObject::connect(&controller, &ProjectController::failed, &window, &MainWindow::showError);
    QObject::connect(&controller, &ProjectController::busyChanged, &window, &MainWindow::setBusy);

    QList<QPair<QString, QString>> versions;
    for (const auto& [name, version] : libraryVersions()) {
        versions.append({QString::fromStdString(name), QString::fromStdString(version)});
    }
    window.setLibraryVersions(versions);
}

} // namespace kestrel::app
