#pragma once

#include <QWidget>

class QGridLayout;
class QLabel;
class QStackedLayout;
class QTableWidget;

namespace kestrel {
struct ProjectSummary;
}

namespace kestrel::widgets {

// The project at a glance: counts of samples, labels, splits and unreadable files, and
// the classes with their sample counts. Shows a hint on what to do when no project is open.
class ProjectOverview : public QWidget {
    Q_OBJECT
public:
    explicit ProjectOverview(QWidget* parent = nullptr);

    void showSummary(const ProjectSummary& summary);
    void showEmptyState();

private:
    QLabel* addCount(QGridLayout* grid, int row, const QString& caption);

    QStackedLayout* pages_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* folder_ = nullptr;
    QLabel* samples_ = nullptr;
    QLabel* labelled_ = nullptr;
    QLabel* unlabelled_ = nullptr;
    QLabel* unreadable_ = nullptr;
    QLabel* duplicates_ = nullptr;
    QLabel* splits_ = nullptr;
    QLabel* runs_ = nullptr;
    QTableWidget* classes_ = nullptr;
};

} // namespace kestrel::widgets
