// Review from the window, as the newcomer does it, headless: labels flipped on
// purpose, a label audit from the Review menu that lists them first, A to accept each
// suggestion and Ctrl+Z to take one back, then a run continued from an earlier run's weights.
// Every check that matters reads the project file through a second connection.
#include "dataset/importer.h"
#include "image_viewer.h"
#include "left_right_pngs.h"
#include "project/project.h"
#include "quick_training_settings.h"
#include "review_controller.h"
#include "runs_controller.h"
#include "runs_page.h"
#include "runs_view.h"
#include "sample_browser.h"
#include "sample_model.h"
#include "store/run_repository.h"
#include "store/sqlite.h"
#include "temp_dir.h"
#include "test_workbench.h"
#include "training_form.h"
#include "training_panel.h"
#include "training_workspace.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QListView>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

using kestrel::app::ProjectController;
using kestrel::app::ReviewController;
using kestrel::app::TrainingController;
using kestrel::testing::TempDir;
using namespace kestrel::widgets;

class ReviewWorkbenchTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<kestrel::testing::TestWorkbench> app_;
    std::set<std::int64_t> flipped_;

    std::filesystem::path projectFolder() const { return *dir_ / "left-right"; }
    TrainingForm* form() const { return app_->window->training()->panel()->form(); }
    QPushButton* button(const char* name) const {
        return app_->window->findChild<QPushButton*>(name);
    }
    std::string storedLabel(std::int64_t sampleId) const {
        kestrel::Project project = kestrel::Project::open(projectFolder());
        kestrel::store::Statement label(project.database(),
                                        "SELECT c.name FROM labels l JOIN classes c ON "
                                        "c.id = l.class_id WHERE l.sample_id = ?");
        label.bind(1, sampleId);
        return label.step() ? label.columnText(0) : std::string();
    }

    void chooseSettings(int epochs) { kestrel::testing::chooseQuickSettings(form(), epochs); }

    static std::int64_t count(const std::filesystem::path& folder, const std::string& sql) {
        kestrel::Project project = kestrel::Project::open(folder);
        return project.database().queryInt(sql);
    }

    QAction* menuAction(const QString& objectName) const {
        for (QAction* action : app_->window->findChildren<QAction*>()) {
            if (action->objectName() == objectName) {
                return action;
            }
        }
        return nullptr;
    }

private slots:
    void initTestCase() { kestrel::testing::useTestSettings(); }

    void init() {
        dir_ = std::make_unique<TempDir>();
        kestrel::testing::writeLeftRightPngs(*dir_ / "source", 32);
        {
            kestrel::Project project = kestrel::Project::create(projectFolder(), "Left/right");
            kestrel::dataset::importSource(project, *dir_ / "source", {});
            // Six "left" training images labelled "right" by mistake.
            kestrel::store::Statement pick(
                project.database(),
                "SELECT s.id FROM samples s JOIN labels l ON l.sample_id = s.id JOIN classes c "
                "ON c.id = l.class_id WHERE c.name = 'left' AND s.split = 'train' ORDER BY s.id "
                "LIMIT 6 OFFSET 3");
            while (pick.step()) {
                flipped_.insert(pick.columnInt(0));
            }
            for (const std::int64_t id : flipped_) {
                project.database().execute(
                    "UPDATE labels SET class_id = (SELECT id FROM classes WHERE name = 'right') "
                    "WHERE sample_id = " +
                    std::to_string(id));
            }
        }
        app_ = std::make_unique<kestrel::testing::TestWorkbench>();
        app_->window->training()->runsPage()->setOpensExportFolder(false);
        QSignalSpy choices(app_->training.get(), &TrainingController::choicesReady);
        emit app_->window->openProjectRequested(QString::fromStdString(projectFolder().string()));
        QVERIFY(choices.wait(20000));
        QCoreApplication::processEvents();
    }

    void cleanup() {
        app_.reset();
        dir_.reset();
        flipped_.clear();
    }

    // An audit belongs to the project it started on: another project opened while its models
    // train stays untouched, and the audit's result lands in its own project.
    void anAuditEndingAfterAnotherProjectOpenedIsRecordedInItsOwn() {
        const std::filesystem::path other = *dir_ / "other";
        kestrel::testing::writeLeftRightPngs(*dir_ / "other-source", 8);
        {
            kestrel::Project project = kestrel::Project::create(other, "Other");
            kestrel::dataset::importSource(project, *dir_ / "other-source", {});
        }
        const std::int64_t otherLabels = count(other, "SELECT count(*) FROM labels");
        QVERIFY(otherLabels > 0);

        chooseSettings(20);
        QSignalSpy progress(app_->review.get(), &ReviewController::auditProgress);
        QSignalSpy finished(app_->review.get(), &ReviewController::auditFinished);
        QSignalSpy ended(app_->review.get(), &ReviewController::auditEnded);
        menuAction("auditLabels")->trigger();
        // Past "Preparing": the audit has planned on the first project and its models train.
        QTRY_VERIFY_WITH_TIMEOUT(progress.size() >= 2, 60000);

        QSignalSpy loaded(app_->controller.get(), &ProjectController::catalogLoaded);
        emit app_->window->openProjectRequested(QString::fromStdString(other.string()));
        QVERIFY(loaded.wait(20000));
        QVERIFY(app_->controller->current().folder == other);
        // The barrier: the other project is open on the writer and the first holds no audit
        // yet, so the audit's result is written after the switch.
        QVERIFY2(app_->review->isAuditing(), "the audit ended before the other project opened");
        QCOMPARE(count(projectFolder(), "SELECT count(*) FROM label_audits"), std::int64_t{0});

        QSignalSpy reviewed(app_->review.get(), &ReviewController::reviewLoaded);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !ended.isEmpty(), 180000);
        QVERIFY2(ended.isEmpty(), ended.isEmpty() ? "" : qPrintable(ended.at(0).at(0).toString()));
        QCOMPARE(
            count(projectFolder(), "SELECT count(*) FROM label_audits WHERE status = 'completed'"),
            std::int64_t{1});
        QVERIFY(count(projectFolder(), "SELECT count(*) FROM label_audit_samples") > 0);
        QCOMPARE(count(other, "SELECT count(*) FROM label_audits"), std::int64_t{0});
        QCOMPARE(count(other, "SELECT count(*) FROM label_audit_samples"), std::int64_t{0});
        QCOMPARE(count(other, "SELECT count(*) FROM labels"), otherLabels);
        // The window, showing the other project, reloads its review: no audit there.
        QTRY_VERIFY(!reviewed.isEmpty());
        QVERIFY(
            !reviewed.last().at(0).value<std::shared_ptr<const kestrel::widgets::SampleReview>>());
    }

    void anAuditListsTheFlippedLabelsFirstAndAFixesThemWithUndo() {
        QCOMPARE(flipped_.size(), std::size_t{6});
        for (const std::int64_t id : flipped_) {
            QCOMPARE(storedLabel(id), std::string("right"));
        }
        chooseSettings(10);
        QAction* audit = menuAction("auditLabels");
        QVERIFY(audit);
        QSignalSpy finished(app_->review.get(), &ReviewController::auditFinished);
        QSignalSpy ended(app_->review.get(), &ReviewController::auditEnded);
        audit->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !ended.isEmpty(), 180000);
        QVERIFY2(ended.isEmpty(), ended.isEmpty() ? "" : qPrintable(ended.at(0).at(0).toString()));

        // The browser lists the likely label errors, likeliest first; the flipped ones lead.
        SampleBrowser* browser = app_->window->browser();
        SampleModel* model = browser->model();
        QTRY_VERIFY(model->review() && !model->review()->auditTitle.isEmpty());
        QTRY_COMPARE(model->filter().show, SampleFilter::Show::LikelyLabelErrors);
        const int top = std::min(model->rowCount(), 12);
        int found = 0;
        for (int row = 0; row < top; ++row) {
            found += flipped_.count(model->sampleAt(row)->id) ? 1 : 0;
        }
        QVERIFY2(found >= 5, qPrintable(QString("%1 of 6 flipped in the top %2 of %3")
                                            .arg(found)
                                            .arg(top)
                                            .arg(model->rowCount())));

        // A gives the current sample its suggested class and moves on; Ctrl+Z takes it back.
        int firstFlippedRow = 0;
        while (!flipped_.count(model->sampleAt(firstFlippedRow)->id)) {
            ++firstFlippedRow;
        }
        const std::int64_t first = model->sampleAt(firstFlippedRow)->id;
        browser->setCurrentSample(first);
        QCOMPARE(model->index(firstFlippedRow, 0).data(SampleModel::ReviewBadgeRole).toString(),
                 QString("→ left"));
        QTest::keyClick(browser->grid(), Qt::Key_A);
        QTRY_COMPARE(storedLabel(first), std::string("left"));
        QVERIFY(browser->currentSampleId() != first);
        QTRY_COMPARE(model->index(firstFlippedRow, 0).data(SampleModel::ReviewFlagRole).toInt(), 0);
        QTest::keyClick(browser->grid(), Qt::Key_Z, Qt::ControlModifier);
        QTRY_COMPARE(storedLabel(first), std::string("right"));
        QTRY_COMPARE(model->index(firstFlippedRow, 0).data(SampleModel::ReviewFlagRole).toInt(), 2);

        // Every flipped sample, fixed one key press at a time.
        for (const std::int64_t id : flipped_) {
            if (model->rowOf(id) < 0) {
                continue;
            }
            browser->setCurrentSample(id);
            QTest::keyClick(browser->grid(), Qt::Key_A);
        }
        int fixed = 0;
        for (const std::int64_t id : flipped_) {
            QTRY_VERIFY(model->rowOf(id) < 0 || storedLabel(id) == "left");
            fixed += storedLabel(id) == "left" ? 1 : 0;
        }
        QVERIFY(fixed >= 5);
    }

    void aRunContinuesFromAnEarlierRunsWeights() {
        app_->window->showTraining();
        chooseSettings(2);
        QSignalSpy finished(app_->training.get(), &TrainingController::runFinished);
        QSignalSpy recorded(app_->training.get(), &TrainingController::runRecorded);
        QTest::mouseClick(button("startTraining"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(recorded.size(), 1, 120000);
        const qint64 first = recorded.at(0).at(0).toLongLong();
        // Every sample's predictions reach the browser once the run is recorded.
        SampleModel* model = app_->window->browser()->model();
        QTRY_VERIFY(model->review() && model->review()->runTitle == QString("run #%1").arg(first));
        QCOMPARE(static_cast<int>(model->review()->samples.size()), model->totalSamples());

        // Grad-CAM of the shown image by that run, with Ctrl+G.
        app_->window->showSamples();
        app_->window->browser()->setCurrentSample(model->sampleAt(0)->id);
        ImageViewer* viewer = app_->window->viewer();
        QTRY_VERIFY(!viewer->image().isNull());
        QTest::keyClick(app_->window.get(), Qt::Key_G, Qt::ControlModifier);
        QVERIFY(viewer->isSaliencyOn());
        QTRY_VERIFY_WITH_TIMEOUT(viewer->hasOverlay(), 30000);
        QVERIFY2(viewer->saliencyStatus().contains("Grad-CAM"),
                 qPrintable(viewer->saliencyStatus()));

        // The report, as HTML and as PDF.
        QSignalSpy reports(app_->runs.get(), &kestrel::app::RunsController::reportWritten);
        const QString html = QString::fromStdString((*dir_ / "report.html").string());
        const QString pdf = QString::fromStdString((*dir_ / "report.pdf").string());
        app_->runs->writeReport(first, html);
        app_->runs->writeReport(first, pdf);
        QTRY_COMPARE_WITH_TIMEOUT(reports.size(), 2, 60000);
        QFile htmlFile(html);
        QVERIFY(htmlFile.open(QIODevice::ReadOnly));
        const QByteArray htmlText = htmlFile.readAll();
        QVERIFY(htmlText.startsWith("<!DOCTYPE html>"));
        QVERIFY(htmlText.contains(QString("Run %1").arg(first).toUtf8()));
        QFile pdfFile(pdf);
        QVERIFY(pdfFile.open(QIODevice::ReadOnly));
        QVERIFY(pdfFile.readAll().startsWith("%PDF"));

        RunsView* runs = app_->window->training()->runsPage()->runs();
        app_->window->showTraining();
        app_->window->training()->showRuns();
        QTRY_COMPARE(runs->findChild<QAbstractItemView*>("runsTable")->model()->rowCount(), 1);
        runs->selectRuns({first});
        QTRY_VERIFY(button("continueRun")->isEnabled());
        QTest::mouseClick(button("continueRun"), Qt::LeftButton);
        TrainingPanel* panel = app_->window->training()->panel();
        QTRY_COMPARE(panel->startFrom(), std::optional<std::int64_t>(first));
        QVERIFY(panel->findChild<QWidget*>("startFromRow")->isVisible());
        QTest::mouseClick(button("startTraining"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(recorded.size(), 2, 120000);
        const qint64 second = recorded.at(1).at(0).toLongLong();
        QCOMPARE(finished.at(1).at(1).toString(), QString("completed"));
        QVERIFY(!panel->startFrom());
        kestrel::Project project = kestrel::Project::open(projectFolder());
        const auto run = kestrel::store::RunRepository(project.database()).get(second);
        QCOMPARE(run.parentRunId, std::optional<std::int64_t>(first));
    }
};

QTEST_MAIN(ReviewWorkbenchTest)
#include "review_workbench_test.moc"
