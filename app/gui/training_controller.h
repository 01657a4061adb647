#pragma once

#include "anomaly/anomaly_options.h"
#include "confusion_data.h"
#include "detection_figures.h"
#include "review/confusion_cell.h"
#include "train/train_options.h"
#include "train/training_events.h"
#include "training_choices.h"
#include "training_progress.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>

namespace kestrel {
class Project;
}
namespace kestrel::runs {
class TrainingSession;
}
namespace kestrel::anomaly {
class AnomalySession;
}

namespace kestrel::app {

class ProjectController;
class RankProcesses;
class Task;
class TaskManager;
struct PreparedAnomalyRun;
struct PreparedRun;
struct ProjectRef;

// Trains the open project from the window: one run at a time as a Task, the rest queued. A
// run's row is made by a store job; it trains on its task's thread and its records go to the
// writer as store jobs for its own project (ProjectRunWriter); its events reach the window as
// queued signals, coalesced to at most ~20 deliveries a second whatever the batch rate.
class TrainingController : public QObject {
    Q_OBJECT
public:
    TrainingController(ProjectController& projects, TaskManager& tasks, QObject* parent = nullptr);
    ~TrainingController() override; // stops the run (it stays resumable) and waits for it

    bool isTraining() const { return running_ || starting_; }
    std::int64_t currentRun() const { return currentRun_; }
    int queuedRuns() const { return static_cast<int>(queue_.size()); }
    // The run is paused and its trainer stands still before its next batch.
    bool isHeldByPause() const;

    // The samples of cell (trueClass, predicted) in the latest epoch of a run trained in
    // this window, with the confidence of each prediction; nullopt when the window has not
    // seen that run's predictions.
    std::optional<review::CellSamples> cellSamples(std::int64_t runId, int trueClass,
                                                   int predicted) const;

public slots:
    // Answers with regionChoicesReady for segmentation and for detection, then choicesReady:
    // models, devices and the data's defaults for each task.
    void loadChoices();
    // Starts a run now, or queues it behind the one training.
    // With `startFrom`, the run starts from that run's best weights (continue training).
    void start(const kestrel::train::TrainOptions& options,
               std::optional<std::int64_t> startFrom = std::nullopt);
    // Fits an anomaly detector on the good parts now, or queues it like a run.
    void startAnomaly(const kestrel::anomaly::AnomalyOptions& options);
    void resumeRun(qint64 runId);
    // Answers with continuationReady: the options run `runId` trained with.
    void loadContinuation(qint64 runId);
    void setPaused(bool paused);
    void stop(); // the current run ends as cancelled (resumable); the queue is dropped

signals:
    void choicesReady(const kestrel::train::TrainOptions& defaults, const QString& description,
                      const std::vector<kestrel::widgets::ModelChoice>& models,
                      const std::vector<kestrel::widgets::DeviceChoice>& devices);
    // Segmentation's or detection's models and defaults (from the samples with regions the
    // task learns from); the devices are choicesReady's, which follows.
    void regionChoicesReady(kestrel::TaskKind task, const kestrel::train::TrainOptions& defaults,
                            const QString& description,
                            const std::vector<kestrel::widgets::ModelChoice>& models);
    void runStarted(qint64 runId, const QString& label, const QString& device);
    void batchesArrived(qint64 runId, const QVector<double>& epochs, const QVector<double>& losses,
                        const QVector<double>& learningRates);
    void progressChanged(const kestrel::widgets::TrainingProgress& progress);
    void epochFinished(qint64 runId, qint64 epoch, const QMap<QString, double>& metrics,
                       const kestrel::widgets::ConfusionData& confusion);
    // A detector's APs and precision-recall curves for the epoch just evaluated, after its
    // epochFinished.
    void detectionFiguresArrived(qint64 runId, const kestrel::widgets::DetectionFigures& figures);
    void runFinished(qint64 runId, const QString& status, const QString& reason);
    // The run's thread has ended and everything it recorded is in the project, including
    // every sample's predictions for review.
    void runRecorded(qint64 runId);
    void continuationReady(qint64 runId, const kestrel::train::TrainOptions& options);
    void queueChanged(int queuedRuns);
    void startFailed(const QString& message);
    void trainingChanged(bool training);
    void pausedChanged(bool paused);
    // Whether the run under way can pause: an anomaly detector's fit cannot.
    void pausableChanged(bool pausable);
    // What to know before a fit's figures: the images used, and plainly when the backbone
    // has no pretrained weights or validation has no defect.
    void runNotices(qint64 runId, const QStringList& notices);

private:
    struct Request {
        std::optional<train::TrainOptions> options;     // a new run
        std::int64_t resumeRun = 0;                     // or one to resume
        std::optional<std::int64_t> startFrom;          // a new run's starting weights
        std::optional<anomaly::AnomalyOptions> anomaly; // or an anomaly detector to fit
    };
    struct Pending; // events from the training thread not yet delivered
    class Observer;

    void startOrQueue(Request request);
    void launch(Request request);
    void begin(const ProjectRef& project, const PreparedRun& prepared);
    void beginAnomaly(const ProjectRef& project, const PreparedAnomalyRun& prepared);
    void deliver(); // on the GUI thread
    void ended();   // after the run's task has ended and its records are written
    void startNextQueued();
    // Applies `change` to the pending events (any thread) and makes sure a delivery follows.
    template <typename Change>
    void record(Change change);

    ProjectController& projects_;
    TaskManager& tasks_;
    std::deque<Request> queue_;
    bool starting_ = false;
    bool running_ = false;
    bool paused_ = false;
    bool stopRequested_ = false; // stop() before the session existed
    std::int64_t currentRun_ = 0;
    std::shared_ptr<runs::TrainingSession> session_;
    std::shared_ptr<anomaly::AnomalySession> anomalySession_; // instead, for a fit
    std::unique_ptr<Observer> observer_; // used by the run's task until it ends
    std::shared_ptr<Task> runTask_;
    RankProcesses* otherRanks_ = nullptr; // a run's ranks 1..N-1; released when it ends

    std::unique_ptr<Pending> pending_; // guarded by pendingMutex_
    std::mutex pendingMutex_;
    bool deliveryPosted_ = false; // guarded by pendingMutex_
    std::chrono::steady_clock::time_point lastDelivery_;

    // The latest validation predictions of each run trained here, for the confusion cells.
    std::map<std::int64_t, std::vector<train::SamplePrediction>> predictions_;
};

} // namespace kestrel::app
