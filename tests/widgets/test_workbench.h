#pragma once

// The window, the project controller and the image service wired as kestrel's main() wires
// them, for the widget tests that drive the whole workbench.
#include "annotation_controller.h"
#include "annotation_wiring.h"
#include "dataset_export_controller.h"
#include "image_service.h"
#include "main_window.h"
#include "project_controller.h"
#include "resource_monitor.h"
#include "review_controller.h"
#include "review_wiring.h"
#include "runs_controller.h"
#include "saliency_service.h"
#include "saliency_wiring.h"
#include "task_manager.h"
#include "training_controller.h"
#include "training_wiring.h"
#include "workbench_wiring.h"

#include <memory>

#include <QCoreApplication>
#include <QSettings>
#include <QStandardPaths>

namespace kestrel::testing {

// Settings go to a test location, never the user's; call once in initTestCase().
inline void useTestSettings() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("KestrelTests");
}

struct TestWorkbench {
    std::unique_ptr<widgets::MainWindow> window = std::make_unique<widgets::MainWindow>();
    std::unique_ptr<app::ProjectController> controller = std::make_unique<app::ProjectController>();
    std::unique_ptr<app::ImageService> images = std::make_unique<app::ImageService>();
    std::unique_ptr<app::TaskManager> tasks = std::make_unique<app::TaskManager>();
    std::unique_ptr<app::TrainingController> training =
        std::make_unique<app::TrainingController>(*controller, *tasks);
    std::unique_ptr<app::RunsController> runs =
        std::make_unique<app::RunsController>(*controller, *tasks);
    std::unique_ptr<app::ResourceMonitor> resources = std::make_unique<app::ResourceMonitor>();
    std::unique_ptr<app::ReviewController> review =
        std::make_unique<app::ReviewController>(*controller, *tasks);
    std::unique_ptr<app::SaliencyService> saliency = std::make_unique<app::SaliencyService>();
    std::unique_ptr<app::AnnotationController> annotations =
        std::make_unique<app::AnnotationController>(*controller);
    std::unique_ptr<app::DatasetExportController> exports =
        std::make_unique<app::DatasetExportController>(*controller, *tasks);

    TestWorkbench() {
        QSettings().clear(); // every test starts with no recent projects or saved layout
        app::wireWorkbench(*window, *controller, *images);
        app::wireTraining(*window, *controller, *training, *runs, *resources);
        app::wireReview(*window, *controller, *training, *review);
        app::wireSaliency(*window, *controller, *review, *saliency);
        app::wireAnnotations(*window, *annotations, *exports);
        window->show();
    }
    // The controllers and the image service go first: their workers answer the window. The
    // task manager goes before the project controller, whose writer its tasks submit to.
    ~TestWorkbench() {
        exports.reset();
        annotations.reset();
        training.reset();
        review.reset();
        saliency.reset();
        runs.reset();
        resources.reset();
        tasks.reset();
        controller.reset();
        images.reset();
        window.reset();
    }
};

} // namespace kestrel::testing
