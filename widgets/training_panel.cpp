#include "training_panel.h"

#include "training_form.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace kestrel::widgets {

TrainingPanel::TrainingPanel(QWidget* parent) : QWidget(parent) {
    form_ = new TrainingForm;
    form_->setObjectName("trainingForm");

    start_ = new QPushButton(tr("&Start"));
    start_->setObjectName("startTraining");
    start_->setToolTip(tr("Train a new run with these settings (Ctrl+Return)"));
    start_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    start_->setDefault(true);
    queue_ = new QPushButton(tr("Add to &queue"));
    queue_->setObjectName("queueTraining");
    queue_->setToolTip(tr("Train a run with these settings after the runs before it"));
    pause_ = new QPushButton(tr("&Pause"));
    pause_->setObjectName("pauseTraining");
    pause_->setCheckable(true);
    pause_->setToolTip(tr("Hold the run between batches; press again to go on"));
    stop_ = new QPushButton(tr("S&top"));
    stop_->setObjectName("stopTraining");
    stop_->setToolTip(tr("End the run after the current batch and drop the queue; the run "
                         "keeps its last checkpoint and can be resumed from the runs list"));
    queueStatus_ = new QLabel;
    queueStatus_->setObjectName("queueStatus");

    startFromRow_ = new QWidget;
    startFromRow_->setObjectName("startFromRow");
    startFromText_ = new QLabel;
    startFromText_->setObjectName("startFromText");
    startFromText_->setWordWrap(true);
    auto* fresh = new QPushButton(tr("Start &fresh"));
    fresh->setObjectName("startFresh");
    fresh->setToolTip(tr("Start the next run from freshly initialised weights instead"));
    connect(fresh, &QPushButton::clicked, this, [this] { setStartFrom(std::nullopt); });
    auto* startFromLayout = new QHBoxLayout(startFromRow_);
    startFromLayout->setContentsMargins(0, 0, 0, 0);
    startFromLayout->addWidget(startFromText_, 1);
    startFromLayout->addWidget(fresh);
    startFromRow_->hide();

    auto* buttons = new QGridLayout;
    buttons->addWidget(start_, 0, 0);
    buttons->addWidget(queue_, 0, 1);
    buttons->addWidget(pause_, 1, 0);
    buttons->addWidget(stop_, 1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(form_, 1);
    layout->addWidget(startFromRow_);
    layout->addLayout(buttons);
    layout->addWidget(queueStatus_);

    connect(start_, &QPushButton::clicked, this, &TrainingPanel::start);
    connect(queue_, &QPushButton::clicked, this, [this] { emit startRequested(form_->options()); });
    connect(pause_, &QPushButton::toggled, this, [this](bool paused) {
        pause_->setText(paused ? tr("&Resume") : tr("&Pause"));
        emit pauseToggled(paused);
    });
    connect(stop_, &QPushButton::clicked, this, &TrainingPanel::stopRequested);
    connect(form_, &TrainingForm::validityChanged, this, &TrainingPanel::updateButtons);
    setQueued(0);
    updateButtons();
}

void TrainingPanel::setStartFrom(std::optional<std::int64_t> runId) {
    startFrom_ = runId;
    startFromRow_->setVisible(runId.has_value());
    if (runId) {
        startFromText_->setText(
            tr("Continues from the best weights of run #%1, on the samples and labels of now. "
               "The model and colours must stay as that run had them.")
                .arg(*runId));
    }
}

void TrainingPanel::start() {
    if (form_->isValid()) {
        emit startRequested(form_->options());
    }
}

void TrainingPanel::setTraining(bool training) {
    training_ = training;
    if (!training) {
        setPaused(false);
    }
    updateButtons();
}

void TrainingPanel::setPaused(bool paused) {
    const QSignalBlocker quiet(pause_);
    pause_->setChecked(paused);
    pause_->setText(paused ? tr("&Resume") : tr("&Pause"));
}

void TrainingPanel::setQueued(int runs) {
    queueStatus_->setText(runs > 0 ? tr("%n run(s) queued after this one.", nullptr, runs)
                                   : QString());
    queueStatus_->setVisible(runs > 0);
}

void TrainingPanel::updateButtons() {
    const bool valid = form_->isValid();
    start_->setEnabled(valid && !training_);
    queue_->setEnabled(valid && training_);
    pause_->setEnabled(training_);
    stop_->setEnabled(training_);
    const QString problem = form_->firstProblem();
    start_->setToolTip(valid ? tr("Train a new run with these settings (Ctrl+Return)")
                             : tr("Fix the settings first: %1").arg(problem));
}

} // namespace kestrel::widgets
