#include "training_wiring.h"

#include "anomaly/anomaly_options.h"
#include "anomaly_form.h"
#include "anomaly_score_panel.h"
#include "confusion_panel.h"
#include "dataset/project_summary.h"
#include "dataset/sample_catalog.h"
#include "main_window.h"
#include "operating_point_panel.h"
#include "project_controller.h"
#include "resource_monitor.h"
#include "runs_controller.h"
#include "runs_page.h"
#include "runs_view.h"
#include "sample_browser.h"
#include "sample_model.h"
#include "training_controller.h"
#include "training_form.h"
#include "training_live_view.h"
#include "training_panel.h"
#include "training_workspace.h"

#include <map>
#include <memory>
#include <set>

#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>
#include <QUrl>

namespace kestrel::app {

namespace {

void registerQueuedTypes() {
    qRegisterMetaType<kestrel::train::TrainOptions>();
    qRegisterMetaType<std::vector<kestrel::widgets::ModelChoice>>();
    qRegisterMetaType<std::vector<kestrel::widgets::DeviceChoice>>();
    qRegisterMetaType<kestrel::widgets::TrainingProgress>();
    qRegisterMetaType<kestrel::widgets::ResourceReading>();
    qRegisterMetaType<kestrel::widgets::ConfusionData>();
    qRegisterMetaType<kestrel::widgets::InspectionData>();
    qRegisterMetaType<kestrel::widgets::AnomalyScoreData>();
    qRegisterMetaType<kestrel::widgets::DetectionFigures>();
    qRegisterMetaType<kestrel::TaskKind>();
    qRegisterMetaType<kestrel::anomaly::AnomalyOptions>();
    qRegisterMetaType<std::vector<kestrel::widgets::RunRow>>();
    qRegisterMetaType<std::vector<std::int64_t>>();
    qRegisterMetaType<std::vector<std::pair<std::int64_t, float>>>();
    qRegisterMetaType<QMap<QString, double>>();
}

// Class names and what the matrix counts per run, from the matrices shown, to title a
// confusion cell's samples.
using ClassNames = std::map<std::int64_t, widgets::ConfusionData>;

// The runs shown that are anomaly detectors: their cells' scores are anomaly scores.
using AnomalyRuns = std::set<std::int64_t>;

void showCell(widgets::MainWindow& window, const ClassNames& names, const AnomalyRuns& anomalyRuns,
              qint64 runId, int trueClass, int predicted, const review::CellSamples& samples) {
    using Scores = widgets::SampleSubset::Scores;
    auto subset = std::make_shared<widgets::SampleSubset>();
    const auto found = names.find(runId);
    const bool boxes = found != names.end() && found->second.unit == widgets::ConfusionUnit::Boxes;
    subset->kind = boxes                          ? Scores::BoxCount
                   : samples.pixelCounts          ? Scores::PixelCount
                   : anomalyRuns.count(runId) > 0 ? Scores::AnomalyScore
                                                  : Scores::Confidence;
    const auto name = [&](int index) {
        return found != names.end() && index < found->second.classes.size()
                   ? found->second.classes[index]
                   : QString::number(index);
    };
    subset->title =
        (boxes                 ? QObject::tr("Boxes of %1 predicted %2 (run #%3, validation)")
         : samples.pixelCounts ? QObject::tr("Pixels of %1 predicted %2 (run #%3, validation)")
                               : QObject::tr("True %1, predicted %2 (run #%3, validation)"))
            .arg(name(trueClass), name(predicted))
            .arg(runId);
    for (const auto& [sampleId, score] : samples.samples) {
        subset->scores.emplace(sampleId, score);
    }
    window.browser()->showSubset(subset);
    window.showSamples();
}

// A histogram bar's samples in the browser, with their anomaly scores.
void showScoredSamples(widgets::MainWindow& window, const QString& title,
                       const std::vector<std::pair<std::int64_t, float>>& samples) {
    auto subset = std::make_shared<widgets::SampleSubset>();
    subset->title = title;
    subset->kind = widgets::SampleSubset::Scores::AnomalyScore;
    for (const auto& [sampleId, score] : samples) {
        subset->scores.emplace(sampleId, score);
    }
    window.browser()->showSubset(subset);
    window.showSamples();
}

// The backbones anomaly detection can use, as the form offers them.
std::vector<widgets::ModelChoice>
anomalyBackbones(const std::vector<widgets::ModelChoice>& models) {
    std::vector<widgets::ModelChoice> backbones;
    for (const auto& name : anomaly::anomalyBackbones()) {
        for (const auto& model : models) {
            if (model.name.toStdString() == name) {
                backbones.push_back(model);
            }
        }
    }
    return backbones;
}

} // namespace

void wireTraining(widgets::MainWindow& window, ProjectController& projects,
                  TrainingController& training, RunsController& runs, ResourceMonitor& resources) {
    using namespace widgets;
    registerQueuedTypes();
    TrainingWorkspace* workspace = window.training();
    TrainingPanel* panel = workspace->panel();
    TrainingLiveView* live = workspace->live();
    RunsPage* page = workspace->runsPage();
    auto names = std::make_shared<ClassNames>();
    auto anomalyRuns = std::make_shared<AnomalyRuns>();
    auto projectFolder = std::make_shared<QString>();
    QObject::connect(&projects, &ProjectController::projectOpened, &window,
                     [projectFolder](const ProjectSummary& summary) {
                         *projectFolder = QString::fromStdString(summary.folder);
                     });

    QObject::connect(&projects, &ProjectController::projectOpened, &training,
                     &TrainingController::loadChoices);
    QObject::connect(&projects, &ProjectController::projectOpened, &runs, &RunsController::refresh);
    // Labels change the data's defaults only slightly; a new import can change them a lot.
    QObject::connect(&projects, &ProjectController::importFinished, &training,
                     &TrainingController::loadChoices);
    // The good-parts field offers the project's classes, as opened and as edited.
    const auto offerClasses = [panel](const std::vector<dataset::CatalogClass>& classes) {
        QStringList classNames;
        for (const auto& entry : classes) {
            classNames.append(QString::fromStdString(entry.name));
        }
        panel->form()->setClasses(classNames);
        panel->segmentationForm()->setClasses(classNames);
        panel->detectionForm()->setClasses(classNames);
        panel->anomalyForm()->setClasses(classNames);
    };
    QObject::connect(&projects, &ProjectController::catalogLoaded, panel,
                     [offerClasses](const std::shared_ptr<dataset::SampleCatalog>& catalog) {
                         if (catalog) {
                             offerClasses(catalog->classes);
                         }
                     });
    QObject::connect(&projects, &ProjectController::classesChanged, panel, offerClasses);
    // Segmentation's and detection's come first; their forms get the devices with
    // classification's.
    QObject::connect(&training, &TrainingController::regionChoicesReady, panel,
                     [panel](TaskKind task, const train::TrainOptions& defaults,
                             const QString& description, const std::vector<ModelChoice>& models) {
                         TrainingForm* form = task == TaskKind::Detection
                                                  ? panel->detectionForm()
                                                  : panel->segmentationForm();
                         form->setModels(models);
                         form->setOptions(defaults);
                         form->setDefaultsDescription(description);
                     });
    QObject::connect(&training, &TrainingController::choicesReady, panel,
                     [panel](const train::TrainOptions& defaults, const QString& description,
                             const std::vector<ModelChoice>& models,
                             const std::vector<DeviceChoice>& devices) {
                         panel->segmentationForm()->setDevices(devices);
                         panel->detectionForm()->setDevices(devices);
                         TrainingForm* form = panel->form();
                         form->setModels(models);
                         form->setDevices(devices);
                         form->setOptions(defaults);
                         form->setDefaultsDescription(description);
                         AnomalyForm* anomalyForm = panel->anomalyForm();
                         anomalyForm->setBackbones(anomalyBackbones(models));
                         anomalyForm->setDevices(devices);
                         anomaly::AnomalyOptions anomalyDefaults;
                         if (!devices.empty()) {
                             anomalyDefaults.device = devices.back().id.toStdString();
                         }
                         anomalyForm->setOptions(anomalyDefaults);
                     });

    QObject::connect(panel, &TrainingPanel::startRequested, &training,
                     [&training, workspace, panel](const train::TrainOptions& options) {
                         training.start(options, panel->startFrom());
                         panel->setStartFrom(std::nullopt);
                         workspace->showLive();
                     });
    QObject::connect(panel, &TrainingPanel::anomalyStartRequested, &training,
                     [&training, workspace](const anomaly::AnomalyOptions& options) {
                         training.startAnomaly(options);
                         workspace->showLive();
                     });
    QObject::connect(&training, &TrainingController::pausableChanged, panel,
                     &TrainingPanel::setPausable);
    QObject::connect(&training, &TrainingController::runNotices, live,
                     [live, anomalyRuns](qint64 runId, const QStringList& notices) {
                         anomalyRuns->insert(runId); // only fits have notices
                         live->setNotices(runId, notices);
                     });
    QObject::connect(panel, &TrainingPanel::pauseToggled, &training,
                     &TrainingController::setPaused);
    QObject::connect(panel, &TrainingPanel::stopRequested, &training, &TrainingController::stop);
    QObject::connect(&training, &TrainingController::trainingChanged, panel,
                     &TrainingPanel::setTraining);
    QObject::connect(&training, &TrainingController::trainingChanged, &resources,
                     &ResourceMonitor::setRunning);
    QObject::connect(&training, &TrainingController::pausedChanged, panel,
                     &TrainingPanel::setPaused);
    QObject::connect(&training, &TrainingController::pausedChanged, live,
                     &TrainingLiveView::setPaused);
    QObject::connect(&training, &TrainingController::queueChanged, panel,
                     &TrainingPanel::setQueued);
    QObject::connect(&training, &TrainingController::startFailed, &window, &MainWindow::showError);

    QObject::connect(&training, &TrainingController::runStarted, live, &TrainingLiveView::startRun);
    QObject::connect(&training, &TrainingController::runStarted, &runs, &RunsController::refresh);
    QObject::connect(&training, &TrainingController::batchesArrived, live,
                     &TrainingLiveView::appendBatches);
    QObject::connect(&training, &TrainingController::progressChanged, live,
                     &TrainingLiveView::showProgress);
    QObject::connect(&training, &TrainingController::epochFinished, live,
                     [live, names](qint64 runId, qint64 epoch, const QMap<QString, double>& metrics,
                                   const ConfusionData& confusion) {
                         if (!confusion.isEmpty()) { // an epoch without validation has none
                             (*names)[runId] = confusion;
                         }
                         live->showEpoch(runId, epoch, metrics, confusion);
                     });
    QObject::connect(&training, &TrainingController::detectionFiguresArrived, live,
                     [live](qint64 runId, const DetectionFigures& figures) {
                         if (live->shownRun() == runId) {
                             live->confusion()->setDetectionFigures(figures);
                         }
                     });
    QObject::connect(&training, &TrainingController::epochFinished, &runs,
                     &RunsController::refresh);
    QObject::connect(&training, &TrainingController::runFinished, live,
                     &TrainingLiveView::finishRun);
    QObject::connect(&training, &TrainingController::runFinished, &window,
                     [&window, &runs](qint64 runId, const QString& status) {
                         window.statusBar()->showMessage(
                             QObject::tr("Run #%1 %2.").arg(runId).arg(status), 8000);
                         runs.refresh();
                     });
    QObject::connect(&resources, &ResourceMonitor::sampled, live, &TrainingLiveView::showResources);

    // A confusion cell: the live run's predictions are in memory; a stored run's are read.
    QObject::connect(
        live, &TrainingLiveView::cellActivated, &training,
        [&window, &training, &runs, names, anomalyRuns](qint64 runId, int trueClass,
                                                        int predicted) {
            if (const auto samples = training.cellSamples(runId, trueClass, predicted)) {
                showCell(window, *names, *anomalyRuns, runId, trueClass, predicted, *samples);
            } else {
                runs.findCellSamples(runId, trueClass, predicted);
            }
        });
    QObject::connect(page, &RunsPage::cellActivated, &runs, &RunsController::findCellSamples);
    QObject::connect(&runs, &RunsController::cellSamplesFound, &window,
                     [&window, names, anomalyRuns](qint64 runId, int trueClass, int predicted,
                                                   const review::CellSamples& samples) {
                         showCell(window, *names, *anomalyRuns, runId, trueClass, predicted,
                                  samples);
                     });

    QObject::connect(&runs, &RunsController::runsLoaded, page, &RunsPage::setRuns);
    QObject::connect(page, &RunsPage::runsWanted, &runs, &RunsController::loadRuns);
    QObject::connect(&runs, &RunsController::runCurve, page, &RunsPage::showCurve);
    QObject::connect(&runs, &RunsController::runConfusion, page,
                     [page, names](qint64 runId, const ConfusionData& confusion) {
                         if (!confusion.classes.isEmpty()) {
                             (*names)[runId] = confusion;
                         }
                         page->showConfusion(runId, confusion);
                     });
    QObject::connect(&runs, &RunsController::runDetectionFigures, page,
                     &RunsPage::showDetectionFigures);
    QObject::connect(&runs, &RunsController::runInspection, page, &RunsPage::showInspection);
    // A finished run's operating point shows in the live view too, once its scores are in.
    QObject::connect(&training, &TrainingController::runRecorded, &runs,
                     [&runs](qint64 runId) { runs.loadRuns({runId}); });
    QObject::connect(&runs, &RunsController::runInspection, live,
                     [live](qint64 runId, const InspectionData& inspection) {
                         if (live->shownRun() == runId) {
                             live->confusion()->setOperatingPoint(inspection);
                         }
                     });
    // An anomaly run's histogram, on the Runs tab and, for the run just fitted, the live view.
    QObject::connect(&runs, &RunsController::runAnomalyScores, page,
                     [page, anomalyRuns](qint64 runId, const AnomalyScoreData& scores) {
                         anomalyRuns->insert(runId);
                         page->showAnomalyScores(runId, scores);
                     });
    QObject::connect(&runs, &RunsController::runAnomalyScores, live,
                     [live](qint64 runId, const AnomalyScoreData& scores) {
                         if (live->shownRun() == runId) {
                             live->confusion()->setAnomalyScores(scores);
                         }
                     });
    for (AnomalyScorePanel* histogram :
         {page->confusion()->anomalyScores(), live->confusion()->anomalyScores()}) {
        QObject::connect(histogram, &AnomalyScorePanel::samplesRequested, &window,
                         [&window](const QString& title,
                                   const std::vector<std::pair<std::int64_t, float>>& samples) {
                             showScoredSamples(window, title, samples);
                         });
    }
    QObject::connect(live->confusion()->operatingPoint(), &OperatingPointPanel::targetChosen, &runs,
                     [&runs, live](double target) {
                         if (live->shownRun() != 0) {
                             runs.setOperatingPoint(live->shownRun(), target);
                         }
                     });
    QObject::connect(page, &RunsPage::operatingPointChosen, &runs,
                     &RunsController::setOperatingPoint);
    RunsView* view = page->runs();
    QObject::connect(view, &RunsView::notesEdited, &runs, &RunsController::setNotes);
    QObject::connect(view, &RunsView::tagsEdited, &runs, &RunsController::setTags);
    QObject::connect(view, &RunsView::deleteRequested, &runs, &RunsController::deleteRuns);
    QObject::connect(view, &RunsView::resumeRequested, &training,
                     [&training, workspace](std::int64_t runId) {
                         training.resumeRun(runId);
                         workspace->showLive();
                     });
    QObject::connect(view, &RunsView::exportRequested, &runs, &RunsController::exportRun);
    // Continue training: the run's settings go into the form, and Start trains from its
    // weights on the samples and labels of now.
    QObject::connect(view, &RunsView::continueRequested, &training,
                     &TrainingController::loadContinuation);
    QObject::connect(&training, &TrainingController::continuationReady, panel,
                     [&window, panel](qint64 runId, const train::TrainOptions& options) {
                         // Continuing trains a run of the same task.
                         const TaskChoice task =
                             options.task == TaskKind::Segmentation ? TaskChoice::Segmentation
                             : options.task == TaskKind::Detection  ? TaskChoice::Detection
                                                                    : TaskChoice::Classification;
                         panel->setTask(task);
                         panel->trainingForm(task)->setOptions(options);
                         panel->setStartFrom(runId, task);
                         window.statusBar()->showMessage(
                             QObject::tr("The settings of run #%1 are in the form: press Start "
                                         "(Ctrl+Return) to continue training from its weights.")
                                 .arg(runId),
                             10000);
                     });
    QObject::connect(&runs, &RunsController::exportProgress, page, &RunsPage::showExportProgress);
    QObject::connect(&runs, &RunsController::exportFinished, page, &RunsPage::showExportResult);
    QObject::connect(&runs, &RunsController::exportFailed, page,
                     [page](qint64, const QString& message) { page->showExportFailure(message); });
    QObject::connect(&runs, &RunsController::failed, &window, &MainWindow::showError);
    QObject::connect(view, &RunsView::reportRequested, &runs,
                     [&window, &runs, folder = projectFolder](std::int64_t runId) {
                         const QString suggested =
                             *folder + QStringLiteral("/exports/run-%1-report.html").arg(runId);
                         QDir().mkpath(QFileInfo(suggested).path());
                         const QString file = QFileDialog::getSaveFileName(
                             &window, QObject::tr("Report on run #%1").arg(runId), suggested,
                             QObject::tr("HTML report (*.html);;PDF document (*.pdf)"));
                         if (!file.isEmpty()) {
                             window.statusBar()->showMessage(
                                 QObject::tr("Writing the report on run #%1…").arg(runId));
                             runs.writeReport(runId, file);
                         }
                     });
    QObject::connect(&runs, &RunsController::reportWritten, &window,
                     [&window, page](qint64 runId, const QString& file) {
                         window.statusBar()->showMessage(
                             QObject::tr("Report on run #%1 written to %2").arg(runId).arg(file),
                             10000);
                         if (page->opensExportFolder()) {
                             QDesktopServices::openUrl(QUrl::fromLocalFile(file));
                         }
                     });

    window.setLeaveGuard([&window, &training] {
        if (!training.isTraining()) {
            return true;
        }
        const auto answer = QMessageBox::question(
            &window, QObject::tr("A run is training"),
            QObject::tr("Run #%1 is training. Stop it? It keeps its last checkpoint and can be "
                        "resumed later from the Runs tab.")
                .arg(training.currentRun()),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            return false;
        }
        training.stop();
        return true;
    });
}

} // namespace kestrel::app
