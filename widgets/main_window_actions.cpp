// The window's menus, shortcuts and the class panel's requests, apart from the layout and
// the slots in main_window.cpp.
#include "class_panel.h"
#include "image_viewer.h"
#include "label_action.h"
#include "labelling_controller.h"
#include "main_window.h"
#include "sample_browser.h"
#include "sample_model.h"

#include <QAction>
#include <QDockWidget>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QTableView>

namespace kestrel::widgets {

void MainWindow::connectClassPanel() {
    auto classEdit = [this](LabelAction::Kind kind, std::int64_t classId, std::int64_t into,
                            const QString& text, const QString& description) {
        LabelAction action;
        action.kind = kind;
        action.classId = classId;
        action.intoClass = into;
        action.text = text;
        action.description = description;
        labelling_->requestClassEdit(action);
    };
    auto nameOf = [this](std::int64_t id) {
        const auto* info = samples_->classInfo(id);
        return info ? QString::fromStdString(info->name) : QString();
    };
    connect(classPanel_, &ClassPanel::createRequested, this, [=](const QString& name) {
        classEdit(LabelAction::Kind::CreateClass, 0, 0, name, tr("New class '%1'").arg(name));
    });
    connect(classPanel_, &ClassPanel::renameRequested, this,
            [=](std::int64_t id, const QString& name) {
                classEdit(LabelAction::Kind::RenameClass, id, 0, name,
                          tr("Rename '%1' to '%2'").arg(nameOf(id), name));
            });
    connect(classPanel_, &ClassPanel::mergeRequested, this,
            [=](std::int64_t from, std::int64_t into) {
                classEdit(LabelAction::Kind::MergeClasses, from, into, {},
                          tr("Merge '%1' into '%2'").arg(nameOf(from), nameOf(into)));
            });
    connect(classPanel_, &ClassPanel::deleteRequested, this, [=](std::int64_t id) {
        classEdit(LabelAction::Kind::DeleteClass, id, 0, {},
                  tr("Delete class '%1'").arg(nameOf(id)));
    });
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
    file->addAction(tr("Open &Demo Project"), this, &MainWindow::openDemoProject);
    file->addSeparator();
    QAction* import = file->addAction(tr("&Import Images…"), this, &MainWindow::openImportDialog);
    import->setShortcut(Qt::CTRL | Qt::Key_I);
    import->setObjectName("importAction");
    QAction* exportData =
        file->addAction(tr("&Export Dataset…"), this, &MainWindow::openExportDialog);
    exportData->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_E);
    exportData->setObjectName("exportAction");
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(labelling_->undoAction());
    edit->addAction(labelling_->redoAction());
    edit->addSeparator();
    QAction* find = edit->addAction(tr("&Find Samples"), browser_, &SampleBrowser::focusSearch);
    find->setShortcut(QKeySequence::Find);
    edit->addAction(tr("&Clear Filters"), browser_, &SampleBrowser::clearFilters);

    QMenu* label = menuBar()->addMenu(tr("&Label"));
    label->addActions(labelling_->labelActions());
    label->addAction(labelling_->nextUnlabelledAction());
    QAction* quick = label->addAction(tr("&Quick OK/NG Mode"));
    quick->setCheckable(true);
    quick->setShortcut(Qt::CTRL | Qt::Key_K);
    connect(quick, &QAction::toggled, classPanel_, &ClassPanel::setQuickMode);
    connect(classPanel_, &ClassPanel::quickModeChanged, quick, &QAction::setChecked);
    connect(classPanel_, &ClassPanel::quickModeAvailableChanged, quick, &QAction::setEnabled);
    quick->setEnabled(classPanel_->quickModeAvailable());
    label->addSeparator();
    label->addActions(labelling_->splitActions());
    label->addSeparator();
    QAction* newClass =
        label->addAction(tr("New Class…"), classPanel_, &ClassPanel::promptNewClass);
    newClass->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_N);
    QAction* rename =
        label->addAction(tr("Rename Class…"), classPanel_, &ClassPanel::promptRenameCurrent);
    rename->setShortcut(Qt::Key_F2);
    label->addAction(tr("Merge Class…"), classPanel_, &ClassPanel::promptMergeCurrent);
    label->addAction(tr("Delete Class…"), classPanel_, &ClassPanel::promptDeleteCurrent);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Samples"), this, &MainWindow::showSamples)
        ->setShortcut(Qt::ALT | Qt::Key_1);
    view->addAction(tr("&Training"), this, &MainWindow::showTraining)
        ->setShortcut(Qt::ALT | Qt::Key_2);
    view->addSeparator();
    QAction* details = view->addAction(tr("&Detail List"));
    details->setCheckable(true);
    details->setShortcut(Qt::CTRL | Qt::Key_L);
    connect(details, &QAction::toggled, browser_, &SampleBrowser::setDetailMode);
    view->addSeparator();
    view->addAction(tr("&Fit Image"), viewer_, &ImageViewer::fitToWindow)
        ->setShortcut(Qt::CTRL | Qt::Key_9);
    view->addAction(tr("&Actual Size (1:1)"), viewer_, &ImageViewer::showActualSize)
        ->setShortcut(Qt::CTRL | Qt::Key_0);
    view->addAction(tr("Zoom &In"), viewer_, &ImageViewer::zoomIn)
        ->setShortcut(QKeySequence::ZoomIn);
    view->addAction(tr("Zoom &Out"), viewer_, &ImageViewer::zoomOut)
        ->setShortcut(QKeySequence::ZoomOut);
    view->addSeparator();
    for (QDockWidget* dock : findChildren<QDockWidget*>()) {
        view->addAction(dock->toggleViewAction());
    }

    // The same labelling actions on a right click in the grid or the list.
    for (QAbstractItemView* samplesView : {static_cast<QAbstractItemView*>(browser_->grid()),
                                           static_cast<QAbstractItemView*>(browser_->table())}) {
        samplesView->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(samplesView, &QWidget::customContextMenuRequested, this,
                [this, samplesView](const QPoint& pos) {
                    QMenu menu;
                    menu.addActions(labelling_->labelActions());
                    menu.addSeparator();
                    menu.addActions(labelling_->splitActions());
                    menu.addSeparator();
                    menu.addAction(labelling_->undoAction());
                    menu.exec(samplesView->viewport()->mapToGlobal(pos));
                });
    }

    createShapeActions();

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* keys = help->addAction(tr("&Keyboard Shortcuts"), this, &MainWindow::showShortcuts);
    keys->setShortcut(QKeySequence::HelpContents);
    QAction* logs = help->addAction(tr("Open &Log Folder"), this, &MainWindow::openLogFolder);
    logs->setObjectName("openLogFolder");
    logs->setToolTip(tr("The log of the window and kestrel-cli: versions, every run's start and "
                        "end, every error"));
    help->addAction(tr("&About Kestrel"), this, &MainWindow::showAbout);
}

} // namespace kestrel::widgets
