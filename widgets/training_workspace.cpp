#include "training_workspace.h"

#include "runs_page.h"
#include "training_live_view.h"
#include "training_panel.h"

#include <QHBoxLayout>
#include <QSplitter>
#include <QTabWidget>

namespace kestrel::widgets {

TrainingWorkspace::TrainingWorkspace(QWidget* parent) : QWidget(parent) {
    panel_ = new TrainingPanel;
    panel_->setObjectName("trainingPanel");
    // No minimum width of its own: the forms' scroll areas ask for their fields' whole width,
    // and for the scroll bar's beside them.
    live_ = new TrainingLiveView;
    live_->setObjectName("liveView");
    runs_ = new RunsPage;
    runs_->setObjectName("runsPage");
    tabs_ = new QTabWidget;
    tabs_->setObjectName("trainingTabs");
    tabs_->addTab(live_, tr("&Live"));
    tabs_->addTab(runs_, tr("R&uns"));

    auto* split = new QSplitter(Qt::Horizontal);
    split->setObjectName("trainingSplit");
    split->addWidget(panel_);
    split->addWidget(tabs_);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setSizes({340, 900});
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
}

void TrainingWorkspace::showLive() {
    tabs_->setCurrentWidget(live_);
}

void TrainingWorkspace::showRuns() {
    tabs_->setCurrentWidget(runs_);
}

} // namespace kestrel::widgets
