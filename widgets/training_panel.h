#pragma once

#include "anomaly/anomaly_options.h"
#include "train/train_options.h"

#include <cstdint>
#include <optional>

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QStackedWidget;

namespace kestrel::widgets {

class AnomalyForm;
class TrainingForm;

// What the next run learns: a classifier, what good parts look like, each pixel's class, or
// each defect's box.
enum class TaskChoice { Classification, Anomaly, Segmentation, Detection };

// The run's task and settings, and the controls that start, queue, pause and stop runs.
class TrainingPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPanel(QWidget* parent = nullptr);

    TrainingForm* form() const { return form_; }
    AnomalyForm* anomalyForm() const { return anomalyForm_; }
    // The same settings as form()'s, with segmentation's models and defaults.
    TrainingForm* segmentationForm() const { return segmentationForm_; }
    // The same again, with detection's models and defaults.
    TrainingForm* detectionForm() const { return detectionForm_; }
    // The form of a task that trains (nullptr for anomaly detection, which fits).
    TrainingForm* trainingForm(TaskChoice task) const;

    // Shows the task's form; Start and Add to queue start a run of it.
    void setTask(TaskChoice task);
    TaskChoice currentTask() const;

    // The run whose best weights the next run starts from; none: fresh weights. Shown above
    // the buttons with a way back to fresh weights, while `task` (that run's, classification
    // segmentation or detection) is the task; startFrom() is empty while another task is shown.
    void setStartFrom(std::optional<std::int64_t> runId,
                      TaskChoice task = TaskChoice::Classification);
    std::optional<std::int64_t> startFrom() const;

public slots:
    void setTraining(bool training); // a run is starting or training
    void setPaused(bool paused);
    // Off while a run that cannot pause trains (anomaly detection fits in one pass).
    void setPausable(bool pausable);
    void setQueued(int runs);
    void start(); // as the Start button: starts, or queues behind the run training

signals:
    // A classification, segmentation or detection run (options.task says which).
    void startRequested(const kestrel::train::TrainOptions& options);
    void anomalyStartRequested(const kestrel::anomaly::AnomalyOptions& options);
    void pauseToggled(bool paused);
    void stopRequested();

private:
    void requestStart(); // the shown form's run, valid or not
    // The shown form of a task that trains; nullptr while anomaly detection is.
    TrainingForm* shownTrainingForm() const;
    bool formIsValid() const;
    void updateStartFromRow();
    void updateButtons();

    QComboBox* task_ = nullptr;
    QStackedWidget* forms_ = nullptr;
    TrainingForm* form_ = nullptr;
    AnomalyForm* anomalyForm_ = nullptr;
    TrainingForm* segmentationForm_ = nullptr;
    TrainingForm* detectionForm_ = nullptr;
    QPushButton* start_ = nullptr;
    QPushButton* queue_ = nullptr;
    QPushButton* pause_ = nullptr;
    QPushButton* stop_ = nullptr;
    QLabel* queueStatus_ = nullptr;
    QWidget* startFromRow_ = nullptr;
    QLabel* startFromText_ = nullptr;
    std::optional<std::int64_t> startFrom_;
    TaskChoice startFromTask_ = TaskChoice::Classification;
    bool training_ = false;
    bool pausable_ = true;
};

} // namespace kestrel::widgets
