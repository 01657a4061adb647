#include "review_wiring.h"

#include "main_window.h"
#include "project_controller.h"
#include "review_controller.h"
#include "sample_browser.h"
#include "sample_model.h"
#include "training_controller.h"
#include "training_form.h"
#include "training_panel.h"
#include "training_workspace.h"

#include <QAction>
#include <QHBoxLayout>
#include <QMenu>
#include <QMenuBar>
#include <QProgressBar>
#include <QStatusBar>
#include <QToolButton>

namespace kestrel::app {

namespace {

using Show = widgets::SampleFilter::Show;

// The audit's progress in the status bar, with a button that cancels it.
QWidget* auditProgressWidget(ReviewController& review) {
    auto* box = new QWidget;
    box->setObjectName("auditProgress");
    auto* layout = new QHBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* bar = new QProgressBar;
    bar->setRange(0, 100);
    bar->setMaximumWidth(180);
    auto* cancel = new QToolButton;
    cancel->setText(QObject::tr("Cancel"));
    cancel->setToolTip(QObject::tr("Stop the label audit; nothing is recorded"));
    layout->addWidget(bar);
    layout->addWidget(cancel);
    QObject::connect(cancel, &QToolButton::clicked, &review, &ReviewController::cancelAudit);
    QObject::connect(&review, &ReviewController::auditProgress, bar,
                     [bar](int percent, const QString& text) {
                         bar->setValue(percent);
                         bar->setToolTip(text);
                     });
    QObject::connect(&review, &ReviewController::auditingChanged, box, &QWidget::setVisible);
    box->hide();
    return box;
}

} // namespace

void wireReview(widgets::MainWindow& window, ProjectController& projects,
                TrainingController& training, ReviewController& review) {
    widgets::SampleBrowser* browser = window.browser();

    QObject::connect(&projects, &ProjectController::projectOpened, &review,
                     &ReviewController::refresh);
    QObject::connect(&training, &TrainingController::runRecorded, &review,
                     &ReviewController::refresh);
    QObject::connect(&review, &ReviewController::reviewLoaded, browser,
                     [browser](std::shared_ptr<const widgets::SampleReview> loaded) {
                         browser->setReview(std::move(loaded));
                     });
    QObject::connect(&review, &ReviewController::failed, &window, &widgets::MainWindow::showError);

    auto* menu = new QMenu(QObject::tr("&Review"), &window);
    QAction* audit = menu->addAction(QObject::tr("&Audit Labels"));
    audit->setObjectName("auditLabels");
    audit->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_A);
    audit->setStatusTip(QObject::tr("Train three models with the Training tab's settings, each on "
                                    "two thirds of the samples, and rank the samples whose label "
                                    "the others find unlikely"));
    QAction* cancel = menu->addAction(QObject::tr("&Cancel Audit"));
    cancel->setEnabled(false);
    QObject::connect(audit, &QAction::triggered, &review, [&window, &review] {
        review.startAudit(window.training()->panel()->form()->options());
    });
    QObject::connect(cancel, &QAction::triggered, &review, &ReviewController::cancelAudit);
    QObject::connect(&review, &ReviewController::auditingChanged, audit,
                     [audit, cancel](bool auditing) {
                         audit->setEnabled(!auditing);
                         cancel->setEnabled(auditing);
                     });
    menu->addSeparator();
    const auto addShow = [&](const QString& text, Show show, QKeySequence key) {
        QAction* action = menu->addAction(text);
        action->setShortcut(key);
        QObject::connect(action, &QAction::triggered, &window, [&window, browser, show] {
            window.showSamples();
            browser->showReview(show);
        });
    };
    addShow(QObject::tr("Show &Likely Label Errors"), Show::LikelyLabelErrors,
            QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    addShow(QObject::tr("Show &Misclassified"), Show::Misclassified,
            QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    addShow(QObject::tr("Show Low &Confidence"), Show::LowConfidence,
            QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    // Before Help, where people look for it.
    const auto menus = window.menuBar()->actions();
    window.menuBar()->insertMenu(menus.isEmpty() ? nullptr : menus.last(), menu);

    window.statusBar()->addPermanentWidget(auditProgressWidget(review));
    QObject::connect(&review, &ReviewController::auditFinished, &window,
                     [&window, browser](qint64 auditId, int flagged, int samples) {
                         window.showSamples();
                         browser->showReview(Show::LikelyLabelErrors);
                         window.statusBar()->showMessage(
                             QObject::tr("Label audit #%1: %2 of %3 samples look mislabelled. "
                                         "A gives a sample the suggested class; Ctrl+Z undoes.")
                                 .arg(auditId)
                                 .arg(flagged)
                                 .arg(samples),
                             15000);
                     });
    QObject::connect(
        &review, &ReviewController::auditEnded, &window,
        [&window](const QString& message) { window.statusBar()->showMessage(message, 10000); });
}

} // namespace kestrel::app
