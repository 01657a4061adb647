#pragma once

#include <QList>
#include <QMainWindow>
#include <QPair>
#include <QStringList>

class QLabel;
class QMenu;
class QProgressBar;

namespace kestrel {
struct ProjectSummary;
}

namespace kestrel::widgets {

class ProjectOverview;

// The workbench window. It knows nothing of how projects are opened: it asks through
// signals, and the app answers with showProject() or showError(), so the GUI thread never
// waits on disk or SQLite.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    void setLibraryVersions(const QList<QPair<QString, QString>>& versions);
    QStringList recentProjects() const;
    ProjectOverview* overview() const { return overview_; }

public slots:
    void showProject(const kestrel::ProjectSummary& summary);
    void showError(const QString& message);
    void setBusy(const QString& activity); // empty: idle

signals:
    void openProjectRequested(const QString& folder);
    void createProjectRequested(const QString& folder);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void chooseProjectToOpen();
    void chooseFolderForNewProject();
    void rememberRecent(const QString& folder);
    void rebuildRecentMenu();
    void showAbout();

    ProjectOverview* overview_ = nullptr;
    QLabel* errorBanner_ = nullptr;
    QLabel* statusCounts_ = nullptr;
    QProgressBar* busyIndicator_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QList<QPair<QString, QString>> libraryVersions_;
};

} // namespace kestrel::widgets
