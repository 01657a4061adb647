#pragma once

#include "project_jobs.h"
#include "sample_review.h"
#include "train/train_options.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

#include <QObject>
#include <QString>

namespace kestrel::app {

class ProjectController;

// Review for the browser: loads what the newest run predicted for every sample and what the
// newest label audit suggests, and runs label audits. An audit plans and records on the
// project thread (the one writer) and trains its fold models on a thread of its own.
class ReviewController : public QObject {
    Q_OBJECT
public:
    explicit ReviewController(ProjectController& projects, QObject* parent = nullptr);
    ~ReviewController() override; // cancels an audit and waits for it

    bool isAuditing() const { return auditing_; }

public slots:
    void refresh();
    // Three folds, each model trained with `training` (the Training tab's settings).
    void startAudit(const kestrel::train::TrainOptions& training);
    void cancelAudit();

signals:
    // Null when the project has no run with predictions and no audit yet.
    void reviewLoaded(std::shared_ptr<const kestrel::widgets::SampleReview> review);
    void auditingChanged(bool auditing);
    void auditProgress(int percent, const QString& text);
    void auditFinished(qint64 auditId, int flagged, int samples);
    void auditEnded(const QString& message); // cancelled or failed, in one sentence
    void failed(const QString& message);

private:
    class Observer;
    void finishAudit(); // on the GUI thread, after the audit thread ended

    ProjectJobs jobs_;
    bool auditing_ = false;
    std::atomic<bool> cancel_{false};
    std::thread audit_;
};

} // namespace kestrel::app
