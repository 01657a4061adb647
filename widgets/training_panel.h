#pragma once

#include "train/train_options.h"

#include <cstdint>
#include <optional>

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

    // The run whose best weights the next run starts from; none: fresh weights. Shown above
    // the buttons with a way back to fresh weights.
    void setStartFrom(std::optional<std::int64_t> runId);
    std::optional<std::int64_t> startFrom() const { return startFrom_; }

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
    QWidget* startFromRow_ = nullptr;
    QLabel* startFromText_ = nullptr;
    std::optional<std::int64_t> startFrom_;
    bool training_ = false;
};

} // namespace kestrel::widgets
