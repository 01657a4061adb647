// The window's shapes: the Shapes menu with the drawing tools and the actions on selected
// shapes, class keys on a selected shape, and the dataset export dialog.
#include "annotation_actions.h"
#include "dataset/dataset_writers.h"
#include "export_dialog.h"
#include "image_viewer.h"
#include "labelling_controller.h"
#include "main_window.h"
#include "sample_browser.h"

#include <QAction>
#include <QDir>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QTabWidget>

namespace kestrel::widgets {

void MainWindow::createShapeActions() {
    annotations_ = new AnnotationActions(viewer_, browser_, classPanel_, labelling_, this);
    // Keys 1-9 give a selected shape its class; with none selected they label samples.
    labelling_->setShapeClassHandler([this](std::int64_t classId) {
        return annotations_->assignClassToSelectedShapes(classId);
    });
    connect(workspaceTabs_, &QTabWidget::currentChanged, annotations_,
            [this](int tab) { annotations_->setActive(tab == 0); });
    connect(annotations_, &AnnotationActions::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 4000); });
    connect(browser_, &SampleBrowser::currentSampleChanged, annotations_,
            &AnnotationActions::showSample);

    QMenu* shapes = menuBar()->addMenu(tr("&Shapes"));
    shapes->addActions(annotations_->toolActions());
    shapes->addSeparator();
    shapes->addActions(annotations_->shapeActions());
}

ExportDialog* MainWindow::exportDialog() const {
    return exportDialog_;
}

void MainWindow::openExportDialog() {
    if (projectFolder_.isEmpty()) {
        showError(tr("Open a project before exporting a dataset."));
        return;
    }
    if (!exportDialog_) {
        exportDialog_ = new ExportDialog(this);
        connect(exportDialog_, &ExportDialog::exportRequested, this, &MainWindow::exportRequested);
    }
    if (exportDialog_->folder().isEmpty()) {
        exportDialog_->setFolder(QDir(projectFolder_).filePath(QStringLiteral("export")));
    }
    exportDialog_->show();
    exportDialog_->raise();
    exportDialog_->activateWindow();
}

void MainWindow::showExportProgress(qint64 done, qint64 total) {
    if (exportDialog_) {
        exportDialog_->showProgress(done, total);
    }
}

void MainWindow::showExportReport(const dataset::ExportReport& report) {
    if (exportDialog_) {
        exportDialog_->showReport(report);
    }
    statusBar()->showMessage(tr("Exported %n image(s).", nullptr, int(report.images)), 6000);
}

void MainWindow::showExportFailure(const QString& message) {
    if (exportDialog_) {
        exportDialog_->showFailure(message);
    } else {
        showError(message);
    }
}

} // namespace kestrel::widgets
