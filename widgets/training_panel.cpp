#include "training_panel.h"

#include "anomaly_form.h"
#include "training_form.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace kestrel::widgets {

namespace {

QString pauseTip() {
    return TrainingPanel::tr("Hold the run between batches; press again to go on");
}

} // namespace

TrainingPanel::TrainingPanel(QWidget* parent) : QWidget(parent) {
    task_ = new QComboBox;
    task_->setObjectName("trainingTask");
    task_->setToolTip(tr("What the next run learns"));
    task_->addItem(tr("Classification"), static_cast<int>(TaskChoice::Classification));
    task_->setItemData(0, tr("Learns to tell the project's classes apart from labelled images"),
                       Qt::ToolTipRole);
    task_->addItem(tr("Anomaly detection (good parts only)"),
                   static_cast<int>(TaskChoice::Anomaly));
    task_->setItemData(1,
                       tr("Learns what good parts look like and flags whatever differs; "
                          "defects need no labels to train"),
                       Qt::ToolTipRole);
    task_->addItem(tr("Segmentation (defects' pixels)"),
                   static_cast<int>(TaskChoice::Segmentation));
    task_->setItemData(2,
                       tr("Learns which pixels belong to which defect class from the polygons "
                          "and masks drawn on the images; parts pass or fail by the defects' "
                          "area"),
                       Qt::ToolTipRole);
    task_->addItem(tr("Object detection (defects' boxes)"),
                   static_cast<int>(TaskChoice::Detection));
    task_->setItemData(3,
                       tr("Learns to box each defect from the boxes, polygons and masks drawn "
                          "on the images; a part fails when a box scores high enough"),
                       Qt::ToolTipRole);
    auto* taskRow = new QWidget; // a widget's own layout, so its margins match the forms'
    auto* taskLayout = new QFormLayout(taskRow);
    taskLayout->setContentsMargins(taskLayout->contentsMargins().left(),
                                   taskLayout->contentsMargins().top(),
                                   taskLayout->contentsMargins().right(), 0);
    auto* taskLabel = new QLabel(tr("Tas&k:")); // Alt+T is Stop's
    taskLabel->setBuddy(task_);
    taskLayout->addRow(taskLabel, task_);

    form_ = new TrainingForm;
    form_->setObjectName("trainingForm");
    anomalyForm_ = new AnomalyForm;
    anomalyForm_->setObjectName("anomalyForm");
    segmentationForm_ = new TrainingForm;
    segmentationForm_->setObjectName("segmentationForm");
    detectionForm_ = new TrainingForm;
    detectionForm_->setObjectName("detectionForm");
    forms_ = new QStackedWidget;
    forms_->setObjectName("trainingForms");
    forms_->addWidget(form_); // in the task list's order
    forms_->addWidget(anomalyForm_);
    forms_->addWidget(segmentationForm_);
    forms_->addWidget(detectionForm_);

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
    pause_->setToolTip(pauseTip());
    stop_ = new QPushButton(tr("S&top"));
    stop_->setObjectName("stopTraining");
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
    layout->addWidget(taskRow);
    layout->addWidget(forms_, 1);
    layout->addWidget(startFromRow_);
    layout->addLayout(buttons);
    layout->addWidget(queueStatus_);

    connect(start_, &QPushButton::clicked, this, &TrainingPanel::start);
    connect(queue_, &QPushButton::clicked, this, &TrainingPanel::requestStart);
    connect(pause_, &QPushButton::toggled, this, [this](bool paused) {
        pause_->setText(paused ? tr("&Resume") : tr("&Pause"));
        emit pauseToggled(paused);
    });
    connect(stop_, &QPushButton::clicked, this, &TrainingPanel::stopRequested);
    connect(form_, &TrainingForm::validityChanged, this, &TrainingPanel::updateButtons);
    connect(anomalyForm_, &AnomalyForm::validityChanged, this, &TrainingPanel::updateButtons);
    connect(segmentationForm_, &TrainingForm::validityChanged, this, &TrainingPanel::updateButtons);
    connect(detectionForm_, &TrainingForm::validityChanged, this, &TrainingPanel::updateButtons);
    connect(task_, &QComboBox::currentIndexChanged, this, [this] {
        forms_->setCurrentIndex(task_->currentIndex());
        updateStartFromRow();
        updateButtons();
    });
    setQueued(0);
    updateButtons();
}

void TrainingPanel::setTask(TaskChoice task) {
    task_->setCurrentIndex(task_->findData(static_cast<int>(task)));
}

TaskChoice TrainingPanel::currentTask() const {
    return static_cast<TaskChoice>(task_->currentData().toInt());
}

void TrainingPanel::setStartFrom(std::optional<std::int64_t> runId, TaskChoice task) {
    startFrom_ = runId;
    startFromTask_ = task;
    updateStartFromRow();
    if (runId) {
        startFromText_->setText(
            tr("Continues from the best weights of run #%1, on the samples and labels of now. "
               "The model and colours must stay as that run had them.")
                .arg(*runId));
    }
}

void TrainingPanel::start() {
    if (formIsValid()) {
        requestStart();
    }
}

std::optional<std::int64_t> TrainingPanel::startFrom() const {
    return currentTask() == startFromTask_ ? startFrom_ : std::nullopt;
}

void TrainingPanel::requestStart() {
    const TaskChoice task = currentTask();
    if (task == TaskChoice::Anomaly) {
        emit anomalyStartRequested(anomalyForm_->options());
        return;
    }
    train::TrainOptions options = trainingForm(task)->options();
    // Whatever task the defaults were read as, the form's own is the run's.
    options.task = task == TaskChoice::Segmentation ? TaskKind::Segmentation
                   : task == TaskChoice::Detection  ? TaskKind::Detection
                                                    : TaskKind::Classification;
    emit startRequested(options);
}

TrainingForm* TrainingPanel::trainingForm(TaskChoice task) const {
    switch (task) {
    case TaskChoice::Classification:
        return form_;
    case TaskChoice::Segmentation:
        return segmentationForm_;
    case TaskChoice::Detection:
        return detectionForm_;
    case TaskChoice::Anomaly:
        break;
    }
    return nullptr;
}

TrainingForm* TrainingPanel::shownTrainingForm() const {
    return trainingForm(currentTask());
}

bool TrainingPanel::formIsValid() const {
    const TrainingForm* form = shownTrainingForm();
    return form != nullptr ? form->isValid() : anomalyForm_->isValid();
}

// A run continues from the best weights of a run of its own task; the choice waits while
// another task is shown (an anomaly detector has no weights to continue from).
void TrainingPanel::updateStartFromRow() {
    startFromRow_->setVisible(startFrom().has_value());
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

void TrainingPanel::setPausable(bool pausable) {
    pausable_ = pausable;
    updateButtons();
}

void TrainingPanel::setQueued(int runs) {
    queueStatus_->setText(runs > 0 ? tr("%n run(s) queued after this one.", nullptr, runs)
                                   : QString());
    queueStatus_->setVisible(runs > 0);
}

void TrainingPanel::updateButtons() {
    const bool valid = formIsValid();
    start_->setEnabled(valid && !training_);
    queue_->setEnabled(valid && training_);
    pause_->setEnabled(training_ && pausable_);
    pause_->setToolTip(pausable_ ? pauseTip()
                                 : tr("An anomaly-detection run fits in one pass and cannot "
                                      "pause; Stop ends it."));
    stop_->setEnabled(training_);
    stop_->setToolTip(pausable_ ? tr("End the run after the current batch and drop the queue; "
                                     "the run keeps its last checkpoint and can be resumed "
                                     "from the runs list")
                                : tr("End the fit and drop the queue; a stopped fit keeps "
                                     "nothing, start it again to fit anew"));
    const TrainingForm* form = shownTrainingForm();
    const QString problem = form != nullptr ? form->firstProblem() : anomalyForm_->firstProblem();
    start_->setToolTip(valid ? tr("Train a new run with these settings (Ctrl+Return)")
                             : tr("Fix the settings first: %1").arg(problem));
}

} // namespace kestrel::widgets
