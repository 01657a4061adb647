#include "review_controller.h"

#include "common/error.h"
#include "project/project.h"
#include "project_controller.h"
#include "review/label_audit.h"
#include "review_store_jobs.h"
#include "store_writer.h"
#include "task_manager.h"

#include <chrono>

#include <QMetaObject>

namespace kestrel::app {

namespace {

constexpr std::int64_t kProgressSteps = 1000;

} // namespace

// Hands the audit's progress to its task at most ten times a second; training never waits
// on it. The TaskManager carries it to the GUI thread.
class ReviewController::Observer : public review::LabelAuditObserver {
public:
    explicit Observer(Task& task) : task_(task) {}

    void progress(const review::AuditProgress& event) override {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(100)) {
            return;
        }
        last_ = now;
        task_.setProgress(static_cast<std::int64_t>(event.fraction * kProgressSteps),
                          kProgressSteps,
                          tr("Auditing labels: model %1 of %2, epoch %3 of %4")
                              .arg(event.fold + 1)
                              .arg(event.folds)
                              .arg(event.epoch + 1)
                              .arg(event.epochs));
    }

private:
    static QString tr(const char* text) { return ReviewController::tr(text); }
    Task& task_;
    std::chrono::steady_clock::time_point last_{};
};

ReviewController::ReviewController(ProjectController& projects, TaskManager& tasks, QObject* parent)
    : QObject(parent), projects_(projects), tasks_(tasks) {
    connect(&tasks_, &TaskManager::taskProgress, this,
            [this](quint64 id, qint64 done, qint64 total, const QString& phase) {
                if (audit_ && audit_->id() == id && total > 0) {
                    emit auditProgress(static_cast<int>(done * 100 / total), phase);
                }
            });
}

ReviewController::~ReviewController() {
    if (audit_) {
        audit_->cancel();
        audit_->waitUntilEnded();
    }
}

void ReviewController::refresh() {
    if (!projects_.current().isOpen()) {
        QMetaObject::invokeMethod(
            this, [this] { emit reviewLoaded(nullptr); }, Qt::QueuedConnection);
        return;
    }
    auto job = std::make_unique<LoadReview>(
        projects_.current(),
        [this](std::shared_ptr<const widgets::SampleReview> review) { emit reviewLoaded(review); });
    job->onFailure([this](const QString& message) { emit failed(message); });
    projects_.writer().submit(std::move(job), this);
}

void ReviewController::startAudit(const train::TrainOptions& training) {
    if (audit_) {
        return;
    }
    struct Audited {
        std::int64_t auditId = 0;
        bool completed = false;
        QString reason; // when not completed
        int flagged = 0;
        int samples = 0;
    };
    auto audited = std::make_shared<Audited>();
    StoreWriter& writer = projects_.writer();
    audit_ = tasks_.start(
        tr("Label audit"), projects_.current(),
        [training, audited, &writer](Task& task) {
            if (!task.project().isOpen()) {
                throw Error(ErrorKind::InvalidArgument, "Open a project before auditing labels.");
            }
            auto plan = std::make_shared<review::LabelAuditPlan>();
            {
                Project project = Project::open(task.project().folder); // reads only
                review::LabelAuditOptions options;
                options.training = training;
                *plan = review::planLabelAudit(project, options);
            }
            Observer observer(task);
            auto outcome = std::make_shared<const review::LabelAuditOutcome>(
                review::runLabelAudit(*plan, observer, task.cancelFlag()));
            audited->completed = outcome->status == review::LabelAuditStatus::Completed;
            audited->reason = QString::fromStdString(outcome->reason);
            audited->flagged = static_cast<int>(outcome->flagged());
            audited->samples = static_cast<int>(plan->samples.size());
            if (task.isCancelled()) {
                return; // cancelled by the user: nothing is recorded
            }
            // Into the project the audit was planned on, whichever the window shows now.
            auto auditId = std::make_shared<std::int64_t>(0);
            writer.submitAndWait(
                std::make_unique<RecordLabelAudit>(task.project(), plan, outcome, auditId));
            audited->auditId = *auditId;
        },
        this,
        [this, audited](const Task& task) {
            audit_.reset();
            emit auditingChanged(false);
            if (task.state() == Task::State::Finished && audited->completed &&
                audited->auditId != 0) {
                emit auditFinished(audited->auditId, audited->flagged, audited->samples);
                refresh();
                return;
            }
            QString message = task.error();
            if (message.isEmpty()) {
                message = audited->reason;
            }
            emit auditEnded(message.isEmpty() ? tr("The label audit stopped.") : message);
        });
    emit auditingChanged(true);
    emit auditProgress(0, tr("Preparing the label audit…"));
}

void ReviewController::cancelAudit() {
    if (audit_) {
        audit_->cancel();
    }
}

} // namespace kestrel::app
