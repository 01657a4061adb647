#include "main_window.h"

#include "annotation_actions.h"
#include "class_panel.h"
#include "common/log_file.h"
#include "dataset/importer.h"
#include "dataset/project_summary.h"
#include "image_viewer.h"
#include "import_dialog.h"
#include "label_action.h"
#include "labelling_controller.h"
#include "project_overview.h"
#include "sample_browser.h"
#include "sample_model.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QUndoStack>
#include <QVBoxLayout>

namespace kestrel::widgets {

namespace {

constexpr int kMaxRecentProjects = 8;
const char* const kRecentKey = "recentProjects";
const char* const kGeometryKey = "mainWindow/geometry";
const char* const kStateKey = "mainWindow/state";
const char* const kSplitterKey = "mainWindow/splitter";
const char* const kDetailModeKey = "browser/detailMode";
const char* const kDemoFolderKey = "demoProjectFolder";

// A dropped folder, or the folder of a dropped project.kestrel file.
QString projectFolderFrom(const QMimeData* mime) {
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1) {
        return {};
    }
    const QFileInfo info(mime->urls().first().toLocalFile());
    if (info.isDir()) {
        return info.absoluteFilePath();
    }
    if (info.isFile() && info.fileName() == QLatin1String("project.kestrel")) {
        return info.absolutePath();
    }
    return {};
}

} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("Kestrel"));
    setAcceptDrops(true);
    buildLayout();
    createActions();
    connectClassPanel();
    overview_->showEmptyState();
    viewer_->showMessage(tr("Open a project (Ctrl+O) or the demo project (File menu)."));

    QSettings settings;
    if (!restoreGeometry(settings.value(kGeometryKey).toByteArray())) {
        resize(1280, 800);
    }
    if (!restoreState(settings.value(kStateKey).toByteArray())) {
        // Docks size themselves only once the window is laid out: a narrow side panel
        // leaves the browser and the viewer most of the width.
        QTimer::singleShot(0, this, [this] {
            resizeDocks({findChild<QDockWidget*>("classDock")}, {300}, Qt::Horizontal);
        });
    }
    browser_->setDetailMode(settings.value(kDetailModeKey, false).toBool());
}

MainWindow::~MainWindow() = default;

ImportDialog* MainWindow::importDialog() const {
    return importDialog_;
}

void MainWindow::buildLayout() {
    samples_ = new SampleModel(this);
    connect(samples_, &SampleModel::samplesWithShapesChanged, this, [this] {
        updateCounts();
        updateCaption(); // the shapes' kinds read after the sample was shown
    });
    connect(samples_, &SampleModel::shapeKindsChanged, this, [this](std::int64_t sampleId) {
        if (sampleId == shownSample_) {
            updateCaption();
        }
    });
    browser_ = new SampleBrowser(samples_);
    viewer_ = new ImageViewer;
    viewer_->setObjectName("imageViewer");
    auto* split = new QSplitter(Qt::Horizontal);
    split->setObjectName("browserViewerSplit");
    split->addWidget(browser_);
    split->addWidget(viewer_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({560, 420});
    split->restoreState(QSettings().value(kSplitterKey).toByteArray());

    auto* central = new QWidget;
    auto* column = new QVBoxLayout(central);
    column->setContentsMargins(4, 4, 4, 0);
    errorBanner_ = new QLabel;
    errorBanner_->setObjectName("errorBanner");
    errorBanner_->setWordWrap(true);
    errorBanner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    errorBanner_->setStyleSheet("QLabel { background: #fde2e1; color: #8a1c14; "
                                "border: 1px solid #e3a19b; border-radius: 4px; padding: 8px; }");
    errorBanner_->hide();
    column->addWidget(errorBanner_);
    buildWorkspaces(split);
    column->addWidget(workspaceTabs_, 1);
    setCentralWidget(central);

    classPanel_ = new ClassPanel;
    auto* classDock = new QDockWidget(tr("Classes"));
    classDock->setObjectName("classDock");
    classDock->setWidget(classPanel_);
    addDockWidget(Qt::RightDockWidgetArea, classDock);
    overview_ = new ProjectOverview;
    auto* overviewDock = new QDockWidget(tr("Project"));
    overviewDock->setObjectName("projectDock");
    overviewDock->setWidget(overview_);
    addDockWidget(Qt::RightDockWidgetArea, overviewDock);
    tabifyDockWidget(classDock, overviewDock);
    classDock->raise();

    statusCounts_ = new QLabel(tr("No project open"));
    statusCounts_->setObjectName("statusCounts");
    busyIndicator_ = new QProgressBar;
    busyIndicator_->setRange(0, 0); // indeterminate: opening has no measurable progress
    busyIndicator_->setMaximumWidth(160);
    busyIndicator_->hide();
    statusBar()->addWidget(statusCounts_, 1);
    statusBar()->addPermanentWidget(busyIndicator_);

    labelling_ = new LabellingController(browser_, classPanel_, this);
    connect(workspaceTabs_, &QTabWidget::currentChanged, this,
            [this](int tab) { labelling_->setActive(tab == 0); });
    connect(labelling_, &LabellingController::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 4000); });
    connect(browser_, &SampleBrowser::currentSampleChanged, this, &MainWindow::showCurrentSample);
    connect(browser_, &SampleBrowser::selectionChanged, this, &MainWindow::updateCounts);
    connect(viewer_, &ImageViewer::nextRequested, browser_, &SampleBrowser::selectNext);
    connect(viewer_, &ImageViewer::previousRequested, browser_, &SampleBrowser::selectPrevious);

    // Overview counts are a whole-project query: refreshed once labelling pauses.
    summaryDelay_ = new QTimer(this);
    summaryDelay_->setSingleShot(true);
    summaryDelay_->setInterval(1500);
    connect(summaryDelay_, &QTimer::timeout, this, &MainWindow::summaryRefreshRequested);
}

void MainWindow::setLibraryVersions(const QList<QPair<QString, QString>>& versions) {
    libraryVersions_ = versions;
}

void MainWindow::setThumbnailSource(ThumbnailSource* source) {
    samples_->setThumbnailSource(source);
}

QStringList MainWindow::recentProjects() const {
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::showProject(const ProjectSummary& summary) {
    errorBanner_->hide();
    showSummary(summary);
    projectFolder_ = QString::fromStdString(summary.folder);
    setWindowTitle(tr("%1 — Kestrel").arg(QString::fromStdString(summary.name)));
    labelling_->clearHistory();
    rememberRecent(projectFolder_);
}

void MainWindow::showSummary(const ProjectSummary& summary) {
    overview_->showSummary(summary);
}

void MainWindow::showCatalog(const std::shared_ptr<dataset::SampleCatalog>& catalog) {
    const std::int64_t current = browser_->currentSampleId();
    classPanel_->setClasses(catalog->classes);
    samples_->setCatalog(std::move(*catalog));
    browser_->refreshClassFilter();
    labelling_->refreshClassActions();
    annotations_->refreshClasses();
    updateCounts();
    // Choosing the current sample lays out the whole grid; on the next pass of the event
    // loop, so taking in a large catalog never holds the GUI thread for one long stretch.
    QTimer::singleShot(0, this, [this, current] {
        if (current != 0 && samples_->rowOf(current) >= 0) {
            browser_->setCurrentSample(current);
        } else if (samples_->rowCount() > 0) {
            browser_->setCurrentSample(samples_->sampleAt(0)->id);
            if (!focusWidget()) {
                browser_->grid()->setFocus(); // arrows and hotkeys work straight away
            }
        } else {
            viewer_->showMessage(tr("This project has no samples yet: import images with Ctrl+I."));
        }
    });
}

void MainWindow::showClasses(const std::vector<dataset::CatalogClass>& classes) {
    classPanel_->setClasses(classes);
    samples_->setClasses(classes);
    browser_->refreshClassFilter();
    labelling_->refreshClassActions();
    annotations_->refreshClasses();
    updateCaption();
}

void MainWindow::showClassCounts(const std::vector<dataset::CatalogClass>& classes) {
    classPanel_->setClasses(classes);
}

void MainWindow::applyLabelChanges(const std::vector<dataset::LabelChange>& labels,
                                   const std::vector<dataset::SplitChange>& splits) {
    samples_->applyLabels(labels);
    samples_->applySplits(splits);
    updateCounts();
    updateCaption();
    summaryDelay_->start();
}

void MainWindow::showCurrentSample(std::int64_t sampleId) {
    shownSample_ = sampleId;
    const auto* sample = samples_->sample(sampleId);
    if (!sample) {
        viewer_->showMessage(samples_->rowCount() == 0 && samples_->totalSamples() > 0
                                 ? tr("No sample matches the filters.")
                                 : tr("No sample selected."));
        viewer_->setCaption({}, {});
        return;
    }
    updateCaption();
    if (sample->status == "unreadable") {
        viewer_->showMessage(QString::fromStdString(sample->statusReason));
        return;
    }
    emit imageRequested(sampleId, QString::fromStdString(sample->path));
}

void MainWindow::showImage(std::int64_t sampleId, const QImage& image) {
    if (sampleId == shownSample_) {
        viewer_->setImage(image);
    }
}

void MainWindow::showImageError(std::int64_t sampleId, const QString& message) {
    if (sampleId == shownSample_) {
        viewer_->showMessage(message);
    }
}

void MainWindow::updateCaption() {
    const auto* sample = samples_->sample(shownSample_);
    if (!sample) {
        return;
    }
    const auto* info = samples_->classInfo(sample->classId);
    QString text = info ? QString::fromStdString(info->name)
                        : SampleModel::unlabelledCaption(samples_->shapeKinds(sample->id));
    if (!sample->split.empty()) {
        text += QStringLiteral(" · ") + QString::fromStdString(sample->split);
    }
    viewer_->setCaption(text, info ? QColor(QString::fromStdString(info->color))
                                   : QColor(0x80, 0x80, 0x80));
}

void MainWindow::updateCounts() {
    if (projectFolder_.isEmpty()) {
        return;
    }
    const SampleTally counts = samples_->counts();
    QString text = tr("%1 samples · %2 labelled · %3 unlabelled · %4 unreadable")
                       .arg(counts.samples)
                       .arg(counts.labelled)
                       .arg(counts.unlabelled())
                       .arg(counts.unreadable);
    // Image labels alone would call a segmentation or detection project that has its shapes
    // drawn "unlabelled".
    if (const std::size_t shaped = samples_->samplesWithShapes(); shaped > 0) {
        text += tr(" · %1 with shapes").arg(shaped);
    }
    if (samples_->rowCount() != samples_->totalSamples()) {
        text += tr(" · %1 listed").arg(samples_->rowCount());
    }
    const std::size_t selected = browser_->selectedCount();
    if (selected > 1) {
        text += tr(" · %1 selected").arg(selected);
    }
    statusCounts_->setText(text);
}

void MainWindow::showError(const QString& message) {
    logging::write("Error shown: " + message.toStdString());
    errorBanner_->setText(message);
    errorBanner_->show();
    statusBar()->showMessage(message, 10000);
}

void MainWindow::setBusy(const QString& activity) {
    busyIndicator_->setVisible(!activity.isEmpty());
    if (!activity.isEmpty()) {
        statusBar()->showMessage(activity);
    } else {
        statusBar()->clearMessage();
    }
}

void MainWindow::openImportDialog() {
    if (projectFolder_.isEmpty()) {
        showError(tr("Open or create a project before importing images."));
        return;
    }
    if (!importDialog_) {
        importDialog_ = new ImportDialog(this);
        connect(importDialog_, &ImportDialog::importRequested, this, &MainWindow::importRequested);
        connect(importDialog_, &ImportDialog::cancelRequested, this,
                &MainWindow::importCancelRequested);
    }
    importDialog_->show();
    importDialog_->raise();
    importDialog_->activateWindow();
}

void MainWindow::showImportProgress(const QString& phase, qint64 done, qint64 total) {
    if (importDialog_) {
        importDialog_->showProgress(phase, done, total);
    }
}

void MainWindow::showImportReport(const dataset::ImportReport& report) {
    if (importDialog_) {
        importDialog_->showReport(report);
    }
}

void MainWindow::showImportFailure(const QString& message) {
    if (importDialog_) {
        importDialog_->showFailure(message);
    } else {
        showError(message);
    }
}

void MainWindow::chooseProjectToOpen() {
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Open a Kestrel project folder"));
    if (!folder.isEmpty()) {
        emit openProjectRequested(folder);
    }
}

void MainWindow::chooseFolderForNewProject() {
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Choose an empty folder for the new project"), QDir::homePath());
    if (!folder.isEmpty()) {
        emit createProjectRequested(folder);
    }
}

void MainWindow::openDemoProject() {
    // The same place `scripts/setup.sh demo` uses, so both open one demo project.
    const QString folder =
        QSettings().value(kDemoFolderKey, QDir::home().filePath("kestrel-demo")).toString();
    emit demoProjectRequested(folder);
}

void MainWindow::rememberRecent(const QString& folder) {
    QStringList recent = recentProjects();
    recent.removeAll(folder);
    recent.prepend(folder);
    while (recent.size() > kMaxRecentProjects) {
        recent.removeLast();
    }
    QSettings().setValue(kRecentKey, recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList recent = recentProjects();
    for (int i = 0; i < recent.size(); ++i) {
        const QString folder = recent.at(i);
        QAction* action = recentMenu_->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(folder));
        connect(action, &QAction::triggered, this,
                [this, folder] { emit openProjectRequested(folder); });
    }
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!mayLeaveProject()) {
        event->ignore();
        return;
    }
    showSamples(); // the layout kept is the samples' one, with their docks
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    settings.setValue(kSplitterKey, findChild<QSplitter*>("browserViewerSplit")->saveState());
    settings.setValue(kDetailModeKey, browser_->isDetailMode());
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (!projectFolderFrom(event->mimeData()).isEmpty()) {
        event->acceptProposedAction();
    }
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QString folder = projectFolderFrom(event->mimeData());
    if (!folder.isEmpty()) {
        event->acceptProposedAction();
        emit openProjectRequested(folder);
    }
}

} // namespace kestrel::widgets
