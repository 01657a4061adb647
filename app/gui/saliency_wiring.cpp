#include "saliency_wiring.h"

#include "dataset/project_summary.h"
#include "image_viewer.h"
#include "main_window.h"
#include "project_controller.h"
#include "review_controller.h"
#include "saliency_service.h"
#include "sample_browser.h"
#include "sample_model.h"

#include <memory>

#include <QAbstractButton>
#include <QAction>

namespace kestrel::app {

void wireSaliency(widgets::MainWindow& window, ProjectController& projects,
                  ReviewController& review, SaliencyService& saliency) {
    widgets::ImageViewer* viewer = window.viewer();
    widgets::SampleBrowser* browser = window.browser();
    auto folder = std::make_shared<QString>();
    const QString noRun = QObject::tr("Train a run first: Grad-CAM shows where a trained model "
                                      "looks in the image, an anomaly detector's map where the "
                                      "part differs from good ones, a segmentation model's "
                                      "predicted mask which pixels it finds defective, a "
                                      "detector's boxes where it finds defects");
    viewer->setSaliencyAvailable(false, noRun);

    QObject::connect(&projects, &ProjectController::projectOpened, &saliency,
                     [folder, &saliency, viewer, noRun](const ProjectSummary& summary) {
                         *folder = QString::fromStdString(summary.folder);
                         saliency.setRun(*folder, 0);
                         viewer->setSaliencyAvailable(false, noRun);
                     });
    QObject::connect(
        &review, &ReviewController::reviewLoaded, &saliency,
        [folder, &saliency, viewer, noRun](std::shared_ptr<const widgets::SampleReview> loaded) {
            const std::int64_t runId = loaded ? loaded->runId : 0;
            if (runId == saliency.runId()) {
                return;
            }
            viewer->setAnomalyMaps(loaded && loaded->anomaly);
            viewer->setPredictedMasks(loaded && loaded->segmentation);
            viewer->setPredictedBoxesKind(loaded && loaded->detection);
            saliency.setRun(*folder, runId);
            viewer->setSaliencyAvailable(runId > 0, noRun);
            if (runId > 0 && viewer->isSaliencyOn()) {
                emit viewer->saliencyRequested(true); // the new run explains the shown image
            }
        });
    QObject::connect(viewer, &widgets::ImageViewer::saliencyRequested, &saliency,
                     [&saliency, browser, viewer](bool on) {
                         const auto id = browser->currentSampleId();
                         const auto* sample = browser->model()->sample(id);
                         if (!on) {
                             viewer->clearOverlay();
                         } else if (sample) {
                             saliency.request(id, QString::fromStdString(sample->path));
                         }
                     });
    QObject::connect(
        &saliency, &SaliencyService::ready, viewer,
        [browser, viewer](std::int64_t sampleId, const QImage& heat, const QString& caption) {
            if (sampleId == browser->currentSampleId() && viewer->isSaliencyOn()) {
                viewer->setOverlay(heat);
                viewer->setSaliencyStatus(caption);
            }
        });
    QObject::connect(&saliency, &SaliencyService::boxesReady, viewer,
                     [browser, viewer](std::int64_t sampleId, const widgets::PredictedBoxes& boxes,
                                       const QString& caption) {
                         if (sampleId == browser->currentSampleId() && viewer->isSaliencyOn()) {
                             viewer->setPredictedBoxes(boxes);
                             viewer->setSaliencyStatus(caption);
                         }
                     });
    QObject::connect(&saliency, &SaliencyService::failed, viewer,
                     [browser, viewer](std::int64_t sampleId, const QString& message) {
                         if (sampleId == browser->currentSampleId()) {
                             viewer->setSaliencyStatus(message);
                         }
                     });

    // Ctrl+G from anywhere in the window toggles the viewer's Grad-CAM button.
    auto* toggle = new QAction(QObject::tr("Grad-CAM Overlay"), &window);
    toggle->setShortcut(Qt::CTRL | Qt::Key_G);
    window.addAction(toggle);
    QObject::connect(toggle, &QAction::triggered, viewer, [viewer] {
        if (auto* button = viewer->findChild<QAbstractButton*>("saliencyButton");
            button && button->isEnabled()) {
            button->toggle();
        }
    });
}

} // namespace kestrel::app
