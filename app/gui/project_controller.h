#pragma once

#include "project/project_summary.h"

#include <variant>

#include <QFutureWatcher>
#include <QObject>
#include <QString>

namespace kestrel::app {

// Opens and creates projects off the GUI thread and reports back with queued signals.
// Core throws kestrel::Error with a ready-made sentence; that sentence is what failed()
// carries. One job at a time: a request made while busy waits for the running job, and
// replaces any request already waiting (the user's latest choice wins).
class ProjectController : public QObject {
    Q_OBJECT
public:
    explicit ProjectController(QObject* parent = nullptr);
    ~ProjectController() override;

    bool isBusy() const;

public slots:
    void openProject(const QString& folder);
    void createProject(const QString& folder);

signals:
    void busyChanged(const QString& activity); // empty when idle
    void projectOpened(const kestrel::ProjectSummary& summary);
    void failed(const QString& message);

private:
    using Outcome = std::variant<ProjectSummary, QString>;
    void start(const QString& activity, std::function<ProjectSummary()> job);
    void finish();

    QFutureWatcher<Outcome> watcher_;
    std::function<void()> pending_;
};

} // namespace kestrel::app
