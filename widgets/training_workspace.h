#pragma once

#include <QWidget>

class QTabWidget;

namespace kestrel::widgets {

class RunsPage;
class TrainingLiveView;
class TrainingPanel;

// The window's Training tab: the run's settings and controls on the left; the live view and
// the runs side by side on the right.
class TrainingWorkspace : public QWidget {
    Q_OBJECT
public:
    explicit TrainingWorkspace(QWidget* parent = nullptr);

    TrainingPanel* panel() const { return panel_; }
    TrainingLiveView* live() const { return live_; }
    RunsPage* runsPage() const { return runs_; }
    QTabWidget* tabs() const { return tabs_; }

public slots:
    void showLive();
    void showRuns();

private:
    TrainingPanel* panel_ = nullptr;
    TrainingLiveView* live_ = nullptr;
    RunsPage* runs_ = nullptr;
    QTabWidget* tabs_ = nullptr;
};

} // namespace kestrel::widgets
