// The window's two workspaces, Samples and Training, and the docks that belong to the first.
#include "main_window.h"
#include "training_workspace.h"

#include <QDockWidget>
#include <QScrollArea>
#include <QTabWidget>

namespace kestrel::widgets {

void MainWindow::buildWorkspaces(QWidget* samples) {
    training_ = new TrainingWorkspace;
    training_->setObjectName("trainingWorkspace");
    workspaceTabs_ = new QTabWidget;
    workspaceTabs_->setObjectName("workspaceTabs");
    workspaceTabs_->setDocumentMode(true);
    workspaceTabs_->addTab(samples, tr("Samples"));
    // In a scroll area, so the training views' minimum width never widens the window (a tab
    // widget is as wide as its widest page needs).
    auto* trainingScroll = new QScrollArea;
    trainingScroll->setWidget(training_);
    trainingScroll->setWidgetResizable(true);
    trainingScroll->setFrameShape(QFrame::NoFrame);
    workspaceTabs_->addTab(trainingScroll, tr("Training"));
    // The docks serve the samples: training gets the whole width, and they come back after.
    connect(workspaceTabs_, &QTabWidget::currentChanged, this, &MainWindow::showDocksFor);
}

void MainWindow::showDocksFor(int tab) {
    const auto docks = findChildren<QDockWidget*>();
    for (QDockWidget* dock : docks) {
        if (tab == 0) {
            dock->setVisible(dock->property("shownWithSamples").toBool());
        } else if (dock->isVisible()) {
            dock->setProperty("shownWithSamples", true);
            // Of docks sharing tabs, the one on top is the one drawn.
            dock->setProperty("onTop", !dock->visibleRegion().isEmpty());
            dock->hide();
        } else {
            dock->setProperty("shownWithSamples", false);
        }
    }
    for (QDockWidget* dock : docks) {
        if (tab == 0 && dock->isVisible() && dock->property("onTop").toBool()) {
            dock->raise();
        }
    }
}

void MainWindow::showSamples() {
    workspaceTabs_->setCurrentIndex(0);
}

void MainWindow::showTraining() {
    workspaceTabs_->setCurrentIndex(1);
}

} // namespace kestrel::widgets
