#include "training_controller.h"

#include "anomaly/anomaly_session.h"
#include "common/error.h"
#include "distributed/process_group.h"
#include "error_message.h"
#include "evaluation_views.h"
#include "local_ranks.h"
#include "project/project.h"
#include "project_controller.h"
#include "project_run_writer.h"
#include "rank_processes.h"
#include "review/run_predictions.h"
#include "runs/training_session.h"
#include "store/run_repository.h"
#include "store_writer.h"
#include "task_manager.h"
#include "training_store_jobs.h"

#include <algorithm>
#include <map>
#include <string>

#include <QMetaObject>
#include <QThread>
#include <QTimer>

namespace kestrel::app {

namespace {

// The live view repaints at most this often, whatever the batch rate.
constexpr std::chrono::milliseconds kDeliveryInterval{50};

// What people read for each stage of an anomaly detector's fit (anomaly::FitProgress).
QString stageText(const std::string& stage) {
    if (stage == "batch norm") {
        return QObject::tr("Re-estimating batch norms");
    }
    if (stage == "features") {
        return QObject::tr("Extracting the good parts' features");
    }
    if (stage == "coreset") {
        return QObject::tr("Choosing the memory bank");
    }
    if (stage == "gaussians") {
        return QObject::tr("Fitting the Gaussians");
    }
    if (stage == "validation") {
        return QObject::tr("Scoring the validation images");
    }
    if (stage == "test") {
        return QObject::tr("Scoring the test images");
    }
    return QString::fromStdString(stage);
}

// The stages a fit with `options` goes through, in order, to say how far along it is.
std::vector<std::string> fitStages(const anomaly::AnomalyOptions& options) {
    std::vector<std::string> stages;
    if (options.recomputeBatchNorm) {
        stages.emplace_back("batch norm");
    }
    stages.emplace_back("features");
    stages.emplace_back(options.method == anomaly::AnomalyMethod::PatchCore ? "coreset"
                                                                            : "gaussians");
    stages.emplace_back("validation");
    stages.emplace_back("test");
    return stages;
}

} // namespace

struct TrainingController::Pending {
    // A fit's figures, delivered as its only epoch.
    struct FitDone {
        QMap<QString, double> metrics;
        widgets::ConfusionData confusion;
    };
    std::optional<train::TrainingStarted> started;
    std::optional<FitDone> fitDone;
    QVector<double> epochs, losses, learningRates;
    std::optional<widgets::TrainingProgress> progress;
    std::vector<train::EpochDone> epochsDone;
    std::optional<train::TrainingFinished> finished;
    bool threadEnded = false;
    QString error; // run() threw: the run never trained
};

template <typename Change>
void TrainingController::record(Change change) {
    bool post = false;
    {
        std::lock_guard lock(pendingMutex_);
        change(*pending_);
        post = !deliveryPosted_;
        deliveryPosted_ = true;
    }
    if (post) {
        QMetaObject::invokeMethod(
            this, [this] { deliver(); }, Qt::QueuedConnection);
    }
}

// Runs on the training thread: copies each event into Pending and asks the GUI thread to
// deliver, once, however many events arrive before it does.
class TrainingController::Observer : public train::TrainingObserver {
public:
    Observer(TrainingController& controller, std::int64_t runId)
        : controller_(controller), runId_(runId) {}

    void setTask(Task* task) { task_ = task; } // before the run starts, on its thread

    void started(const train::TrainingStarted& event) override {
        startedAt_ = std::chrono::steady_clock::now();
        firstEpoch_ = event.firstEpoch;
        epochs_ = event.epochs;
        classes_ = event.classes;
        controller_.record([&](Pending& pending) { pending.started = event; });
    }

    void batchDone(const train::BatchDone& event) override {
        const double perEpoch =
            static_cast<double>(std::max<std::int64_t>(event.batchesPerEpoch, 1));
        const double at =
            static_cast<double>(event.epoch) + static_cast<double>(event.batch + 1) / perEpoch;
        widgets::TrainingProgress progress;
        progress.runId = runId_;
        progress.epoch = event.epoch;
        progress.epochs = epochs_;
        progress.batch = event.batch + 1;
        progress.batchesPerEpoch = event.batchesPerEpoch;
        progress.imagesPerSecond = event.imagesPerSecond;
        progress.elapsedSeconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - startedAt_).count();
        const double span = static_cast<double>(epochs_ - firstEpoch_);
        const double done = span > 0 ? (at - static_cast<double>(firstEpoch_)) / span : 0.0;
        if (done > 0) {
            progress.etaSeconds = progress.elapsedSeconds * (1.0 - done) / done;
        }
        if (task_) {
            const auto batches = std::max<std::int64_t>(event.batchesPerEpoch, 1);
            task_->setProgress(event.epoch * batches + event.batch + 1, epochs_ * batches,
                               QObject::tr("Epoch %1 of %2").arg(event.epoch + 1).arg(epochs_));
        }
        controller_.record([&](Pending& pending) {
            if (!event.skipped) {
                pending.epochs.append(at);
                pending.losses.append(event.loss);
                pending.learningRates.append(event.learningRate);
            }
            pending.progress = progress;
        });
    }

    void epochDone(const train::EpochDone& event) override {
        controller_.record([&](Pending& pending) { pending.epochsDone.push_back(event); });
    }

    void finished(const train::TrainingFinished& event) override {
        controller_.record([&](Pending& pending) { pending.finished = event; });
    }

    const std::vector<std::string>& classes() const { return classes_; }

private:
    TrainingController& controller_;
    std::int64_t runId_;
    Task* task_ = nullptr;
    std::chrono::steady_clock::time_point startedAt_ = std::chrono::steady_clock::now();
    std::int64_t firstEpoch_ = 0;
    std::int64_t epochs_ = 0;
    std::vector<std::string> classes_; // written before the first epoch, read after
};

TrainingController::TrainingController(ProjectController& projects, TaskManager& tasks,
                                       QObject* parent)
    : QObject(parent), projects_(projects), tasks_(tasks), pending_(std::make_unique<Pending>()) {}

TrainingController::~TrainingController() {
    stop();
    if (runTask_) {
        runTask_->waitUntilEnded(); // the run stays resumable; its observer is ours
    }
}

void TrainingController::deliver() {
    const auto now = std::chrono::steady_clock::now();
    if (now - lastDelivery_ < kDeliveryInterval) {
        // Too soon after the last delivery: take everything that arrives meanwhile at once.
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
            kDeliveryInterval - (now - lastDelivery_));
        QTimer::singleShot(static_cast<int>(wait.count()) + 1, this, [this] { deliver(); });
        return;
    }
    lastDelivery_ = now;
    std::unique_ptr<Pending> batch;
    {
        std::lock_guard lock(pendingMutex_);
        batch = std::exchange(pending_, std::make_unique<Pending>());
        deliveryPosted_ = false;
    }
    const std::int64_t runId = currentRun_;
    if (batch->started) {
        const auto& started = *batch->started;
        emit runStarted(
            runId, tr("#%1 %2").arg(runId).arg(QString::fromStdString(session_->options().model)),
            QString::fromStdString(started.device));
    }
    if (!batch->epochs.isEmpty()) {
        emit batchesArrived(runId, batch->epochs, batch->losses, batch->learningRates);
    }
    if (batch->progress) {
        batch->progress->paused = paused_;
        emit progressChanged(*batch->progress);
    }
    for (auto& epoch : batch->epochsDone) {
        QMap<QString, double> metrics;
        for (const auto& [name, value] : epoch.metrics) {
            metrics.insert(QString::fromStdString(name), value);
        }
        widgets::ConfusionData confusion;
        if (epoch.validation) {
            confusion = confusionOf(*epoch.validation, observer_->classes(), epoch.epoch);
            if (session_ && session_->options().task == TaskKind::Segmentation) {
                confusion.unit = widgets::ConfusionUnit::Pixels;
            }
        }
        if (epoch.validation) { // between validations the last one's stand
            predictions_[runId] = std::move(epoch.validationPredictions);
        }
        emit epochFinished(runId, epoch.epoch, metrics, confusion);
        if (epoch.validation && epoch.validation->coco) {
            emit detectionFiguresArrived(runId, detectionFiguresOf(*epoch.validation->coco,
                                                                   observer_->classes(),
                                                                   confusion.caption));
        }
    }
    if (batch->fitDone) {
        emit epochFinished(runId, 0, batch->fitDone->metrics, batch->fitDone->confusion);
    }
    if (batch->finished) {
        emit runFinished(runId, QString::fromStdString(train::toString(batch->finished->status)),
                         QString::fromStdString(batch->finished->reason));
    } else if (batch->threadEnded && !batch->error.isEmpty()) {
        emit runFinished(runId, QStringLiteral("failed"), batch->error);
    }
    if (batch->threadEnded) {
        ended();
    }
}

void TrainingController::start(const train::TrainOptions& options,
                               std::optional<std::int64_t> startFrom) {
    Request request;
    request.options = options;
    request.startFrom = startFrom;
    startOrQueue(std::move(request));
}

void TrainingController::loadContinuation(qint64 runId) {
    if (!projects_.current().isOpen()) {
        return;
    }
    auto job = std::make_unique<LoadContinuation>(
        projects_.current(), runId,
        [this, runId](train::TrainOptions options) { emit continuationReady(runId, options); });
    job->onFailure([this](const QString& message) { emit startFailed(message); });
    projects_.writer().submit(std::move(job), this);
}

void TrainingController::startAnomaly(const anomaly::AnomalyOptions& options) {
    Request request;
    request.anomaly = options;
    startOrQueue(std::move(request));
}

void TrainingController::resumeRun(qint64 runId) {
    Request request;
    request.resumeRun = runId;
    startOrQueue(std::move(request));
}

void TrainingController::startOrQueue(Request request) {
    if (isTraining()) {
        queue_.push_back(std::move(request));
        emit queueChanged(queuedRuns());
        return;
    }
    launch(std::move(request));
}

void TrainingController::launch(Request request) {
    starting_ = true;
    stopRequested_ = false;
    emit trainingChanged(true);
    const ProjectRef project = projects_.current();
    auto refused = [this](const QString& error) {
        starting_ = false;
        emit startFailed(error);
        startNextQueued();
    };
    if (!project.isOpen()) {
        // Answered on the next pass of the event loop, as a refusal from the writer would be.
        QMetaObject::invokeMethod(
            this, [refused] { refused(tr("Open a project before training.")); },
            Qt::QueuedConnection);
        return;
    }
    if (request.anomaly) {
        auto job = std::make_unique<CreateAnomalyRun>(
            project, *request.anomaly,
            [this, project](PreparedAnomalyRun prepared) { beginAnomaly(project, prepared); });
        job->onFailure(refused);
        projects_.writer().submit(std::move(job), this);
        return;
    }
    if (request.options && request.options->worldSize > 1) {
        if (RankProcesses::findRankProgram().isEmpty()) {
            QMetaObject::invokeMethod(
                this,
                [refused, ranks = request.options->worldSize] {
                    refused(tr("Training in %1 processes needs kestrel-cli, which is neither "
                               "beside kestrel nor on the PATH.")
                                .arg(ranks));
                },
                Qt::QueuedConnection);
            return;
        }
        if (request.options->threads == 0) {
            // The ranks share this machine's cores rather than each taking them all.
            request.options->threads =
                std::max(1, QThread::idealThreadCount() / request.options->worldSize);
        }
    }
    auto job = std::make_unique<CreateTrainingRun>(
        project, request.options, request.startFrom, request.resumeRun,
        [this, project](PreparedRun prepared) { begin(project, prepared); });
    job->onFailure(refused);
    projects_.writer().submit(std::move(job), this);
}

void TrainingController::begin(const ProjectRef& project, const PreparedRun& prepared) {
    const std::shared_ptr<runs::TrainingSession>& session = prepared.session;
    starting_ = false;
    running_ = true;
    currentRun_ = session->runId();
    session_ = session;
    session->setPaused(paused_); // Pause pressed while the run was being set up
    if (stopRequested_) {
        session->cancel();
    }
    observer_ = std::make_unique<Observer>(*this, currentRun_);
    std::shared_ptr<const LocalRanks> ranks;
    if (session->options().worldSize > 1) {
        ranks = std::make_shared<const LocalRanks>(project, *session, this);
        otherRanks_ = ranks->processes();
        if (otherRanks_) {
            connect(otherRanks_, &RankProcesses::rankFailed, this,
                    [this, runId = session->runId()](int rank, const QString& message) {
                        emit runNotices(
                            runId,
                            {tr("Process %1 of the run stopped: %2").arg(rank).arg(message)});
                    });
        }
    }
    emit pausableChanged(!ranks); // the other ranks would time out waiting for a paused one
    runTask_ = tasks_.start(
        tr("Training run #%1").arg(currentRun_), project,
        [prepared, project, ranks, observer = observer_.get(),
         &writer = projects_.writer()](Task& task) {
            const std::shared_ptr<runs::TrainingSession>& run = prepared.session;
            task.onCancel([run] { run->cancel(); });
            observer->setTask(&task);
            ProjectRunWriter records(writer, project); // waits for the records when it goes
            std::unique_ptr<distributed::ProcessGroupSession> group;
            if (ranks) {
                task.setProgress(0, 0, tr("Waiting for the run's other processes"));
                try {
                    group = ranks->lead(*run);
                } catch (const Error& error) {
                    records.post([runId = run->runId(),
                                  reason = std::string(error.what())](store::RunRepository& runs) {
                        runs.finish(runId, "failed", reason);
                    });
                    throw;
                }
            }
            if (run->run(*observer, &records).status ==
                train::TrainingFinished::Status::Completed) {
                // Every image of the project once more, with mirror passes where the model
                // has them: seconds to minutes that the task bar should not leave unexplained.
                const QString scoringText = tr("Scoring the project's images for review");
                task.setProgress(0, 0, scoringText);
                review::ReviewScoring scoring;
                scoring.stop = &task.cancelFlag(); // the window's Stop
                scoring.progress = [&task, &scoringText](std::size_t scored, std::size_t total) {
                    task.setProgress(static_cast<std::int64_t>(scored),
                                     static_cast<std::int64_t>(total), scoringText);
                };
                review::recordRunPredictions(*run, records, scoring);
            }
        },
        this,
        [this](const Task& task) {
            // Delivered after the run's last events, which may still be pending here.
            record([error = task.error()](Pending& pending) {
                pending.threadEnded = true;
                pending.error = error;
            });
        });
}

void TrainingController::beginAnomaly(const ProjectRef& project,
                                      const PreparedAnomalyRun& prepared) {
    const std::shared_ptr<anomaly::AnomalySession>& session = prepared.session;
    starting_ = false;
    running_ = true;
    currentRun_ = session->runId();
    anomalySession_ = session;
    if (stopRequested_) {
        session->cancel();
    }
    if (paused_) { // Pause pressed while it was being set up: a fit cannot pause
        paused_ = false;
        emit pausedChanged(false);
    }
    emit pausableChanged(false);
    const auto& options = session->options();
    const QString method =
        options.method == anomaly::AnomalyMethod::PatchCore ? tr("PatchCore") : tr("PaDiM");
    emit runStarted(
        currentRun_,
        tr("#%1 %2 %3").arg(currentRun_).arg(method, QString::fromStdString(options.backbone)),
        QString::fromStdString(options.device));
    QStringList notices;
    for (const auto& notice : session->notices()) {
        notices.append(QString::fromStdString(notice));
    }
    emit runNotices(currentRun_, notices);
    runTask_ = tasks_.start(
        tr("Fitting anomaly detector #%1").arg(currentRun_), project,
        [this, prepared, project, runId = currentRun_, &writer = projects_.writer()](Task& task) {
            const std::shared_ptr<anomaly::AnomalySession>& run = prepared.session;
            task.onCancel([run] { run->cancel(); });
            const auto stages = fitStages(run->options());
            const auto startedAt = std::chrono::steady_clock::now();
            const auto onProgress = [&](const anomaly::FitProgress& fit) {
                const auto found = std::find(stages.begin(), stages.end(), fit.stage);
                widgets::TrainingProgress progress;
                progress.runId = runId;
                progress.stage = stageText(fit.stage);
                progress.epoch = found == stages.end() ? 0 : found - stages.begin();
                progress.epochs = static_cast<std::int64_t>(stages.size());
                progress.batch = fit.done;
                progress.batchesPerEpoch = fit.total;
                progress.elapsedSeconds =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - startedAt)
                        .count();
                task.setProgress(fit.done, fit.total, progress.stage);
                record([&](Pending& pending) { pending.progress = progress; });
            };
            ProjectRunWriter records(writer, project); // waits for the records when it goes
            const anomaly::AnomalyRunSummary summary = run->run(onProgress, &records);
            Pending::FitDone done;
            for (const auto& [name, value] : summary.metrics) {
                done.metrics.insert(QString::fromStdString(name), value);
            }
            if (summary.validationConfusion.size() == 4) {
                done.confusion.classes = {tr("good"), tr("defect")};
                done.confusion.counts = summary.validationConfusion;
                done.confusion.caption = tr("Validation");
            }
            train::TrainingFinished finished;
            finished.status =
                summary.status == "completed"   ? train::TrainingFinished::Status::Completed
                : summary.status == "cancelled" ? train::TrainingFinished::Status::Cancelled
                                                : train::TrainingFinished::Status::Failed;
            finished.reason = summary.reason;
            record([&](Pending& pending) {
                if (summary.status == "completed") {
                    pending.fitDone = done;
                }
                pending.finished = finished;
            });
        },
        this,
        [this](const Task& task) {
            record([error = task.error()](Pending& pending) {
                pending.threadEnded = true;
                pending.error = error;
            });
        });
}

void TrainingController::ended() {
    // The task has ended, so every record it posted is written: nothing here waits.
    runTask_.reset();
    if (otherRanks_) {
        // They end with rank 0's run; any that cannot (rank 0 failed before they learnt
        // the run) are stopped.
        otherRanks_->release(10000);
        otherRanks_ = nullptr;
    }
    const bool couldNotPause =
        anomalySession_ != nullptr || (session_ && session_->options().worldSize > 1);
    session_.reset();
    anomalySession_.reset();
    observer_.reset();
    running_ = false;
    if (couldNotPause) {
        emit pausableChanged(true);
    }
    emit runRecorded(currentRun_);
    if (paused_) {
        paused_ = false;
        emit pausedChanged(false);
    }
    startNextQueued();
}

void TrainingController::startNextQueued() {
    if (queue_.empty()) {
        emit trainingChanged(false);
        return;
    }
    Request next = std::move(queue_.front());
    queue_.pop_front();
    emit queueChanged(queuedRuns());
    launch(std::move(next));
}

void TrainingController::setPaused(bool paused) {
    if (paused == paused_ || !isTraining()) {
        return;
    }
    if (anomalySession_ || (session_ && session_->options().worldSize > 1)) {
        return; // a fit, or a run on several processes, cannot pause (pausableChanged said so)
    }
    paused_ = paused;
    if (session_) {
        session_->setPaused(paused);
    }
    emit pausedChanged(paused);
}

bool TrainingController::isHeldByPause() const {
    return session_ && session_->isHeldByPause();
}

void TrainingController::stop() {
    if (!queue_.empty()) {
        queue_.clear();
        emit queueChanged(0);
    }
    stopRequested_ = true;
    if (runTask_) {
        runTask_->cancel(); // cancels the session: it ends as cancelled, resumable
    }
}

std::optional<review::CellSamples>
TrainingController::cellSamples(std::int64_t runId, int trueClass, int predicted) const {
    const auto found = predictions_.find(runId);
    if (found == predictions_.end()) {
        return std::nullopt;
    }
    return review::cellSamples(found->second, trueClass, predicted);
}

} // namespace kestrel::app
