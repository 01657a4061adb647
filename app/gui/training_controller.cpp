#include "training_controller.h"

#include "common/error.h"
#include "error_message.h"
#include "project/project.h"
#include "project_controller.h"
#include "project_run_writer.h"
#include "review/run_predictions.h"
#include "runs/training_session.h"
#include "train/available_choices.h"
#include "train/default_settings.h"

#include <QMetaObject>
#include <QTimer>

namespace kestrel::app {

namespace {

// The live view repaints at most this often, whatever the batch rate.
constexpr std::chrono::milliseconds kDeliveryInterval{50};

widgets::ConfusionData confusionOf(const train::Evaluation& evaluation,
                                   const std::vector<std::string>& classes, std::int64_t epoch) {
    widgets::ConfusionData data;
    for (const auto& name : classes) {
        data.classes.append(QString::fromStdString(name));
    }
    data.counts = evaluation.confusion.counts();
    data.caption = QObject::tr("Validation, epoch %1").arg(epoch + 1);
    return data;
}

} // namespace

struct TrainingController::Pending {
    std::optional<train::TrainingStarted> started;
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
    std::chrono::steady_clock::time_point startedAt_ = std::chrono::steady_clock::now();
    std::int64_t firstEpoch_ = 0;
    std::int64_t epochs_ = 0;
    std::vector<std::string> classes_; // written before the first epoch, read after
};

TrainingController::TrainingController(ProjectController& projects, QObject* parent)
    : QObject(parent), projects_(projects), pending_(std::make_unique<Pending>()) {}

TrainingController::~TrainingController() {
    stop();
    if (thread_.joinable()) {
        thread_.join();
    }
    writer_.reset();
    std::unique_lock lock(jobsMutex_);
    jobsDone_.wait(lock, [this] { return jobs_ == 0; });
}

void TrainingController::trackJob(std::function<void(const std::shared_ptr<Project>&)> job) {
    {
        std::lock_guard lock(jobsMutex_);
        ++jobs_;
    }
    projects_.withProject([this, job = std::move(job)](const std::shared_ptr<Project>& project) {
        job(project);
        std::lock_guard lock(jobsMutex_);
        --jobs_;
        jobsDone_.notify_all();
    });
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
        }
        predictions_[runId] = std::move(epoch.validationPredictions);
        emit epochFinished(runId, epoch.epoch, metrics, confusion);
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

void TrainingController::loadChoices() {
    trackJob([this](const std::shared_ptr<Project>& project) {
        std::vector<widgets::ModelChoice> models;
        for (const auto& model : train::availableModels()) {
            models.push_back({QString::fromStdString(model.name),
                              QString::fromStdString(model.description), model.defaultImageSize,
                              model.minImageSize});
        }
        std::vector<widgets::DeviceChoice> devices;
        for (const auto& device : train::availableDevices()) {
            devices.push_back({QString::fromStdString(device.id),
                               QString::fromStdString(device.label), device.cuda});
        }
        train::TrainOptions defaults;
        QString description;
        if (project) {
            try {
                const auto shape = train::datasetShape(*project);
                defaults = train::defaultOptions(shape, devices.back().id.toStdString());
                defaults.device = devices.back().id.toStdString();
                description = QString::fromStdString(train::describeDefaults(defaults, shape));
            } catch (const std::exception& error) {
                description = errorMessage(error);
            }
        }
        QMetaObject::invokeMethod(
            this,
            [this, defaults, description, models, devices] {
                emit choicesReady(defaults, description, models, devices);
            },
            Qt::QueuedConnection);
    });
}

void TrainingController::start(const train::TrainOptions& options,
                               std::optional<std::int64_t> startFrom) {
    Request request;
    request.options = options;
    request.startFrom = startFrom;
    startOrQueue(std::move(request));
}

void TrainingController::loadContinuation(qint64 runId) {
    trackJob([this, runId](const std::shared_ptr<Project>& project) {
        if (!project) {
            return;
        }
        try {
            const train::TrainOptions options = runs::continuationOptions(*project, runId);
            QMetaObject::invokeMethod(
                this, [this, runId, options] { emit continuationReady(runId, options); },
                Qt::QueuedConnection);
        } catch (const std::exception& exception) {
            QMetaObject::invokeMethod(
                this, [this, error = errorMessage(exception)] { emit startFailed(error); },
                Qt::QueuedConnection);
        }
    });
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
    trackJob([this, request](const std::shared_ptr<Project>& project) {
        QString error;
        std::shared_ptr<runs::TrainingSession> session;
        if (!project) {
            error = tr("Open a project before training.");
        } else {
            try {
                session = request.options
                              ? runs::TrainingSession::create(*project, *request.options,
                                                              request.startFrom)
                              : runs::TrainingSession::resume(*project, request.resumeRun);
            } catch (const std::exception& exception) {
                error = errorMessage(exception);
            }
        }
        QMetaObject::invokeMethod(
            this,
            [this, project, session, error] {
                if (session) {
                    begin(project, session);
                    return;
                }
                starting_ = false;
                emit startFailed(error);
                startNextQueued();
            },
            Qt::QueuedConnection);
    });
}

void TrainingController::begin(std::shared_ptr<Project> project,
                               std::shared_ptr<runs::TrainingSession> session) {
    starting_ = false;
    running_ = true;
    currentRun_ = session->runId();
    session_ = session;
    session->setPaused(paused_); // Pause pressed while the run was being set up
    if (stopRequested_) {
        session->cancel();
    }
    writer_ = std::make_unique<ProjectRunWriter>(projects_, std::move(project));
    observer_ = std::make_unique<Observer>(*this, currentRun_);
    thread_ = std::thread([this, session, writer = writer_.get(), observer = observer_.get()] {
        QString error;
        try {
            if (session->run(*observer, writer).status ==
                train::TrainingFinished::Status::Completed) {
                review::recordRunPredictions(*session, *writer);
            }
        } catch (const std::exception& exception) {
            error = errorMessage(exception);
        }
        record([&](Pending& pending) {
            pending.threadEnded = true;
            pending.error = error;
        });
    });
}

void TrainingController::ended() {
    if (thread_.joinable()) {
        thread_.join();
    }
    session_.reset();
    writer_.reset(); // waits until the run's records are written
    observer_.reset();
    running_ = false;
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
    paused_ = paused;
    if (session_) {
        session_->setPaused(paused);
    }
    emit pausedChanged(paused);
}

void TrainingController::stop() {
    if (!queue_.empty()) {
        queue_.clear();
        emit queueChanged(0);
    }
    stopRequested_ = true;
    if (session_) {
        session_->cancel();
    }
}

std::optional<std::vector<std::pair<std::int64_t, float>>>
TrainingController::cellSamples(std::int64_t runId, int trueClass, int predicted) const {
    const auto found = predictions_.find(runId);
    if (found == predictions_.end()) {
        return std::nullopt;
    }
    std::vector<std::pair<std::int64_t, float>> samples;
    for (const auto& prediction : found->second) {
        if (prediction.truth == trueClass && prediction.predicted == predicted) {
            samples.emplace_back(prediction.sampleId, prediction.confidence);
        }
    }
    return samples;
}

} // namespace kestrel::app
