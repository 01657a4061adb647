#pragma once

#include "sample_review.h"
#include "train/train_options.h"

#include <memory>

#include <QObject>
#include <QString>

namespace kestrel::app {

class ProjectController;
class Task;
class TaskManager;

// Review for the browser: loads what the newest run predicted for every sample and what the
// newest label audit suggests (a store job), and runs label audits as Tasks. An audit belongs
// to the project open when it started: it plans on that project through a connection of its
// own, trains its fold models on its task's thread and records into that project through the
// writer, even when the window has opened another meanwhile.
class ReviewController : public QObject {
    Q_OBJECT
public:
    ReviewController(ProjectController& projects, TaskManager& tasks, QObject* parent = nullptr);
    ~ReviewController() override; // cancels an audit and waits for it

    bool isAuditing() const { return audit_ != nullptr; }

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

    ProjectController& projects_;
    TaskManager& tasks_;
    std::shared_ptr<Task> audit_; // while one runs
};

} // namespace kestrel::app
