#pragma once

#include "train/train_options.h"

#include <QWidget>

class QLabel;
class QPushButton;

namespace kestrel::widgets {

class TrainingForm;

// The run's settings and the controls that start, queue, pause and stop runs.
class TrainingPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPanel(QWidget* parent = nullptr);

    TrainingForm* form() const { return form_; }

public slots:
    void setTraining(bool training); // a run is starting or training
    void setPaused(bool paused);
    void setQueued(int runs);
    void start(); // as the Start button: starts, or queues behind the run training

signals:
    void startRequested(const kestrel::train::TrainOptions& options);
    void pauseToggled(bool paused);
    void stopRequested();

private:
    void updateButtons();

    TrainingForm* form_ = nullptr;
    QPushButton* start_ = nullptr;
    QPushButton* queue_ = nullptr;
    QPushButton* pause_ = nullptr;
    QPushButton* stop_ = nullptr;
    QLabel* queueStatus_ = nullptr;
    bool training_ = false;
};

} // namespace kestrel::widgets
