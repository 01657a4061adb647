#pragma once

#include "dataset/label_edit.h"
#include "dataset/sample_catalog.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <QList>
#include <QMainWindow>
#include <QPair>
#include <QPointer>
#include <QStringList>

class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;
class QTimer;

namespace kestrel {
struct ProjectSummary;
}
namespace kestrel::dataset {
struct ExportReport;
struct ImportReport;
} // namespace kestrel::dataset

namespace kestrel::widgets {

class AnnotationActions;
class ClassPanel;
class ExportDialog;
class ImageViewer;
class ImportDialog;
class LabellingController;
class ProjectOverview;
class SampleBrowser;
class SampleModel;
class ThumbnailSource;
class TrainingWorkspace;

// The workbench window: the sample browser and the image viewer side by side, the classes
// and the project overview in docks. It knows nothing of how projects are stored: it asks
// through signals and the app answers through the slots, so the GUI thread never waits on
// disk, SQLite or decoding.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void setLibraryVersions(const QList<QPair<QString, QString>>& versions);
    void setThumbnailSource(ThumbnailSource* source);
    QStringList recentProjects() const;
    QString projectFolder() const { return projectFolder_; }

    ProjectOverview* overview() const { return overview_; }
    SampleModel* samples() const { return samples_; }
    SampleBrowser* browser() const { return browser_; }
    ImageViewer* viewer() const { return viewer_; }
    ClassPanel* classPanel() const { return classPanel_; }
    LabellingController* labelling() const { return labelling_; }
    AnnotationActions* annotations() const { return annotations_; }
    ExportDialog* exportDialog() const; // null until first opened
    ImportDialog* importDialog() const; // null until first opened
    TrainingWorkspace* training() const { return training_; }
    QTabWidget* workspaceTabs() const { return workspaceTabs_; }
    // Asked before the window closes or opens another project; false keeps the current one
    // (a run is training, say).
    void setLeaveGuard(std::function<bool()> guard) { leaveGuard_ = std::move(guard); }
    bool mayLeaveProject() { return !leaveGuard_ || leaveGuard_(); }

public slots:
    void showProject(const kestrel::ProjectSummary& summary);
    void showSummary(const kestrel::ProjectSummary& summary);
    void showCatalog(const std::shared_ptr<kestrel::dataset::SampleCatalog>& catalog);
    void showClasses(const std::vector<kestrel::dataset::CatalogClass>& classes);
    // The same classes with new counts (after a shape edit): only the class panel changes.
    void showClassCounts(const std::vector<kestrel::dataset::CatalogClass>& classes);
    void applyLabelChanges(const std::vector<kestrel::dataset::LabelChange>& labels,
                           const std::vector<kestrel::dataset::SplitChange>& splits);
    void showImage(std::int64_t sampleId, const QImage& image);
    void showImageError(std::int64_t sampleId, const QString& message);
    void showError(const QString& message);
    void setBusy(const QString& activity); // empty: idle
    void openImportDialog();
    void showImportProgress(const QString& phase, qint64 done, qint64 total);
    void showImportReport(const kestrel::dataset::ImportReport& report);
    void showImportFailure(const QString& message);
    void openExportDialog();
    void showExportProgress(qint64 done, qint64 total);
    void showExportReport(const kestrel::dataset::ExportReport& report);
    void showExportFailure(const QString& message);
    void showSamples();
    void showTraining();

signals:
    void openProjectRequested(const QString& folder);
    void createProjectRequested(const QString& folder);
    void demoProjectRequested(const QString& folder);
    void importRequested(const QString& source, const QString& format);
    void importCancelRequested();
    void imageRequested(std::int64_t sampleId, const QString& path);
    // format "coco", "yolo", "voc" or "mvtec"; split empty for every sample.
    void exportRequested(const QString& format, const QString& folder, const QString& split);
    void summaryRefreshRequested();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildLayout();
    void buildWorkspaces(QWidget* samples); // the Samples and Training tabs
    void createActions();
    void createShapeActions(); // main_window_shapes.cpp
    void connectClassPanel();
    void chooseProjectToOpen();
    void chooseFolderForNewProject();
    void openDemoProject();
    void rememberRecent(const QString& folder);
    void rebuildRecentMenu();
    void showAbout();
    void showShortcuts();
    void openLogFolder();
    void showCurrentSample(std::int64_t sampleId);
    void updateCaption();
    void updateCounts();
    void showDocksFor(int tab);

    SampleModel* samples_ = nullptr;
    SampleBrowser* browser_ = nullptr;
    ImageViewer* viewer_ = nullptr;
    ClassPanel* classPanel_ = nullptr;
    ProjectOverview* overview_ = nullptr;
    LabellingController* labelling_ = nullptr;
    QPointer<ImportDialog> importDialog_;
    AnnotationActions* annotations_ = nullptr;
    QPointer<ExportDialog> exportDialog_;
    TrainingWorkspace* training_ = nullptr;
    QTabWidget* workspaceTabs_ = nullptr;
    std::function<bool()> leaveGuard_;
    QLabel* errorBanner_ = nullptr;
    QLabel* statusCounts_ = nullptr;
    QProgressBar* busyIndicator_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QTimer* summaryDelay_ = nullptr;
    QList<QPair<QString, QString>> libraryVersions_;
    QString projectFolder_;
    std::int64_t shownSample_ = 0;
};

} // namespace kestrel::widgets
