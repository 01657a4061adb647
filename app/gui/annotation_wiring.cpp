#include "annotation_wiring.h"

#include "annotation_actions.h"
#include "annotation_controller.h"
#include "dataset_export_controller.h"
#include "main_window.h"
#include "sample_model.h"

namespace kestrel::app {

void wireAnnotations(widgets::MainWindow& window, AnnotationController& annotations,
                     DatasetExportController& exports) {
    using widgets::AnnotationActions;
    using widgets::MainWindow;
    using widgets::SampleModel;
    qRegisterMetaType<kestrel::widgets::ShapeEdit>();
    qRegisterMetaType<std::vector<kestrel::annotations::Shape>>();
    qRegisterMetaType<kestrel::dataset::ExportReport>();

    AnnotationActions* actions = window.annotations();
    SampleModel* samples = window.samples();
    QObject::connect(actions, &AnnotationActions::shapesRequested, &annotations,
                     &AnnotationController::loadShapes);
    QObject::connect(actions, &AnnotationActions::shapesToCopyRequested, &annotations,
                     &AnnotationController::loadShapesToCopy);
    QObject::connect(actions, &AnnotationActions::editRequested, &annotations,
                     &AnnotationController::applyEdit);
    QObject::connect(actions, &AnnotationActions::undoRequested, &annotations,
                     &AnnotationController::undoEdit);
    QObject::connect(actions, &AnnotationActions::redoRequested, &annotations,
                     &AnnotationController::redoEdit);
    QObject::connect(samples, &SampleModel::shapesWanted, &annotations,
                     &AnnotationController::loadShapesOf);

    auto shapesRead = [actions, samples](std::int64_t sampleId,
                                         const std::vector<annotations::Shape>& shapes) {
        actions->showShapes(sampleId, shapes);
        samples->setSampleShapes(sampleId, shapes); // the thumbnail follows the editor
    };
    QObject::connect(&annotations, &AnnotationController::shapesLoaded, actions, shapesRead);
    QObject::connect(&annotations, &AnnotationController::shapesChanged, actions, shapesRead);
    QObject::connect(&annotations, &AnnotationController::shapesToCopyLoaded, actions,
                     &AnnotationActions::pasteShapesFrom);
    QObject::connect(&annotations, &AnnotationController::kindsLoaded, samples,
                     [samples, actions](
                         const std::shared_ptr<const AnnotationController::KindsBySample>& kinds) {
                         samples->setShapeKinds(*kinds);
                         actions->reloadShown(); // its classes may have changed too (a merge, say)
                     });
    QObject::connect(&annotations, &AnnotationController::classCountsChanged, &window,
                     &MainWindow::showClassCounts);
    QObject::connect(
        &annotations, &AnnotationController::shapesOfSamplesLoaded, samples,
        [samples](const std::shared_ptr<const AnnotationController::ShapesBySample>& shapes) {
            samples->setShapesOf(*shapes);
        });
    QObject::connect(&annotations, &AnnotationController::editFailed, &window,
                     [&window, actions](const QString& message) {
                         window.showError(message);
                         actions->reloadShown(); // drop what the failed edit showed
                     });

    QObject::connect(&window, &MainWindow::exportRequested, &exports,
                     &DatasetExportController::startExport);
    QObject::connect(&exports, &DatasetExportController::exportProgress, &window,
                     &MainWindow::showExportProgress);
    QObject::connect(&exports, &DatasetExportController::exportFinished, &window,
                     &MainWindow::showExportReport);
    QObject::connect(&exports, &DatasetExportController::exportFailed, &window,
                     &MainWindow::showExportFailure);
}

} // namespace kestrel::app
