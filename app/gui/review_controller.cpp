#include "review_controller.h"

#include "error_message.h"
#include "project/project.h"
#include "review/label_audit.h"
#include "review_loader.h"

#include <chrono>

#include <QMetaObject>

namespace kestrel::app {

// Passes progress to the window at most ten times a second; training never waits on it.
class ReviewController::Observer : public review::LabelAuditObserver {
public:
    explicit Observer(ReviewController& owner) : owner_(owner) {}

    void progress(const review::AuditProgress& event) override {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(100)) {
            return;
        }
        last_ = now;
        const int percent = static_cast<int>(event.fraction * 100.0);
        const QString text = tr("Auditing labels: model %1 of %2, epoch %3 of %4")
                                 .arg(event.fold + 1)
                                 .arg(event.folds)
                                 .arg(event.epoch + 1)
                                 .arg(event.epochs);
        QMetaObject::invokeMethod(
            &owner_, [owner = &owner_, percent, text] { emit owner->auditProgress(percent, text); },
            Qt::QueuedConnection);
    }

private:
    static QString tr(const char* text) { return ReviewController::tr(text); }
    ReviewController& owner_;
    std::chrono::steady_clock::time_point last_{};
};

ReviewController::ReviewController(ProjectController& projects, QObject* parent)
    : QObject(parent), jobs_(projects) {}

ReviewController::~ReviewController() {
    cancel_ = true;
    if (audit_.joinable()) {
        audit_.join();
    }
    jobs_.wait();
}

void ReviewController::refresh() {
    jobs_.run([this](const std::shared_ptr<Project>& project) {
        std::shared_ptr<const widgets::SampleReview> review;
        if (project) {
            try {
                review = loadSampleReview(*project);
            } catch (const std::exception& error) {
                QMetaObject::invokeMethod(
                    this, [this, message = errorMessage(error)] { emit failed(message); },
                    Qt::QueuedConnection);
                return;
            }
        }
        QMetaObject::invokeMethod(
            this, [this, review] { emit reviewLoaded(review); }, Qt::QueuedConnection);
    });
}

void ReviewController::startAudit(const train::TrainOptions& training) {
    if (auditing_) {
        return;
    }
    auditing_ = true;
    cancel_ = false;
    emit auditingChanged(true);
    emit auditProgress(0, tr("Preparing the label audit…"));
    jobs_.run([this, training](const std::shared_ptr<Project>& project) {
        auto plan = std::make_shared<review::LabelAuditPlan>();
        QString error;
        try {
            if (!project) {
                throw Error(ErrorKind::InvalidArgument, "Open a project before auditing labels.");
            }
            review::LabelAuditOptions options;
            options.training = training;
            *plan = review::planLabelAudit(*project, options);
        } catch (const std::exception& exception) {
            error = errorMessage(exception);
        }
        QMetaObject::invokeMethod(
            this,
            [this, plan, error, project] {
                if (!error.isEmpty()) {
                    auditing_ = false;
                    emit auditingChanged(false);
                    emit auditEnded(error);
                    return;
                }
                audit_ = std::thread([this, plan, project] {
                    Observer observer(*this);
                    auto outcome = std::make_shared<review::LabelAuditOutcome>(
                        review::runLabelAudit(*plan, observer, cancel_));
                    // Recorded on the project thread, the one writer.
                    jobs_.run([this, plan, outcome](const std::shared_ptr<Project>& current) {
                        std::int64_t auditId = 0;
                        QString message;
                        try {
                            if (current && !cancel_) {
                                auditId = review::recordLabelAudit(*current, *plan, *outcome);
                            }
                        } catch (const std::exception& exception) {
                            message = errorMessage(exception);
                        }
                        if (message.isEmpty() &&
                            outcome->status != review::LabelAuditStatus::Completed) {
                            message = QString::fromStdString(outcome->reason);
                        }
                        const int flagged = static_cast<int>(outcome->flagged());
                        const int samples = static_cast<int>(plan->samples.size());
                        QMetaObject::invokeMethod(
                            this,
                            [this, auditId, flagged, samples, message] {
                                finishAudit();
                                if (auditId != 0 && message.isEmpty()) {
                                    emit auditFinished(auditId, flagged, samples);
                                    refresh();
                                } else {
                                    emit auditEnded(message.isEmpty()
                                                        ? tr("The label audit stopped.")
                                                        : message);
                                }
                            },
                            Qt::QueuedConnection);
                    });
                });
            },
            Qt::QueuedConnection);
    });
}

void ReviewController::cancelAudit() {
    cancel_ = true;
}

void ReviewController::finishAudit() {
    if (audit_.joinable()) {
        audit_.join();
    }
    auditing_ = false;
    emit auditingChanged(false);
}

} // namespace kestrel::app
