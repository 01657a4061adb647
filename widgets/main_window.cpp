#include "main_window.h"

#include "project/project_summary.h"
#include "project_overview.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>

namespace kestrel::widgets {

namespace {

constexpr int kMaxRecentProjects = 8;
const char* const kRecentKey = "recentProjects";
const char* const kGeometryKey = "mainWindow/geometry";
const char* const kStateKey = "mainWindow/state";

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

    auto* central = new QWidget;
    auto* column = new QVBoxLayout(central);
    errorBanner_ = new QLabel;
    errorBanner_->setObjectName("errorBanner");
    errorBanner_->setWordWrap(true);
    errorBanner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    errorBanner_->setStyleSheet("QLabel { background: #fde2e1; color: #8a1c14; "
                                "border: 1px solid #e3a19b; border-radius: 4px; padding: 8px; }");
    errorBanner_->hide();
    overview_ = new ProjectOverview;
    column->addWidget(errorBanner_);
    column->addWidget(overview_, 1);
    setCentralWidget(central);

    statusCounts_ = new QLabel(tr("No project open"));
    busyIndicator_ = new QProgressBar;
    busyIndicator_->setRange(0, 0); // indeterminate: opening has no measurable progress
    busyIndicator_->setMaximumWidth(160);
    busyIndicator_->hide();
    statusBar()->addWidget(statusCounts_, 1);
    statusBar()->addPermanentWidget(busyIndicator_);

    createActions();
    overview_->showEmptyState();

    QSettings settings;
    if (!restoreGeometry(settings.value(kGeometryKey).toByteArray())) {
        resize(1100, 720);
    }
    restoreState(settings.value(kStateKey).toByteArray());
}

void MainWindow::createActions() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* create =
        file->addAction(tr("&New Project…"), this, &MainWindow::chooseFolderForNewProject);
    create->setShortcut(QKeySequence::New);
    create->setObjectName("newProjectAction");
    QAction* open = file->addAction(tr("&Open Project…"), this, &MainWindow::chooseProjectToOpen);
    open->setShortcut(QKeySequence::Open);
    open->setObjectName("openProjectAction");
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Kestrel"), this, &MainWindow::showAbout);
}

void MainWindow::setLibraryVersions(const QList<QPair<QString, QString>>& versions) {
    libraryVersions_ = versions;
}

QStringList MainWindow::recentProjects() const {
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::showProject(const ProjectSummary& summary) {
    errorBanner_->hide();
    overview_->showSummary(summary);
    const QString name = QString::fromStdString(summary.name);
    setWindowTitle(tr("%1 — Kestrel").arg(name));
    statusCounts_->setText(tr("%1 samples · %2 classes · %3 unreadable")
                               .arg(summary.samples)
                               .arg(summary.classes.size())
                               .arg(summary.unreadable));
    rememberRecent(QString::fromStdString(summary.folder));
}

void MainWindow::showError(const QString& message) {
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

void MainWindow::showAbout() {
    QString versions;
    for (const auto& [name, version] : libraryVersions_) {
        versions += QStringLiteral("<tr><td>%1</td><td>%2</td></tr>").arg(name, version);
    }
    versions += QStringLiteral("<tr><td>Qt</td><td>%1</td></tr>").arg(qVersion());
    QMessageBox::about(this, tr("About Kestrel"),
                       tr("<h3>Kestrel</h3><p>A workbench for vision models in industrial defect "
                          "inspection.</p><table>%1</table>")
                           .arg(versions));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
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
