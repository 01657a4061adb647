// Training from the window, driven as a user drives it, headless: the form's settings, Start,
// the live curves and confusion matrix, a click on a cell that lists its samples in the
// browser, a queued run, two runs compared, a stopped run resumed, an export and a delete.
// Every check that matters reads the project file through a second connection.
#include "confusion_matrix_view.h"
#include "confusion_panel.h"
#include "dataset/importer.h"
#include "label_action.h"
#include "left_right_pngs.h"
#include "modal_answerer.h"
#include "project/project.h"
#include "quick_training_settings.h"
#include "runs_page.h"
#include "runs_view.h"
#include "sample_browser.h"
#include "sample_model.h"
#include "store/run_repository.h"
#include "store/sqlite.h"
#include "store_writer.h"
#include "temp_dir.h"
#include "test_workbench.h"
#include "training_charts.h"
#include "training_form.h"
#include "training_live_view.h"
#include "training_panel.h"
#include "training_workspace.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <sys/types.h>

#include <QCheckBox>
#include <QComboBox>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QThread>
#include <QToolButton>

using kestrel::app::ProjectController;
using kestrel::app::RunsController;
using kestrel::app::TrainingController;
using kestrel::testing::TempDir;
using namespace kestrel::widgets;

class TrainingWorkbenchTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<kestrel::testing::TestWorkbench> app_;

    std::filesystem::path projectFolder() const { return *dir_ / "left-right"; }
    TrainingWorkspace* workspace() const { return app_->window->training(); }
    TrainingForm* form() const { return workspace()->panel()->form(); }
    QPushButton* button(const char* name) const {
        return app_->window->findChild<QPushButton*>(name);
    }
    std::int64_t classId(const std::string& name) const {
        kestrel::Project project = kestrel::Project::open(projectFolder());
        kestrel::store::Statement query(project.database(),
                                        "SELECT id FROM classes WHERE name = ?");
        query.bind(1, name);
        return query.step() ? query.columnInt(0) : 0;
    }
    std::int64_t storedLabelClass(std::int64_t sample) const {
        kestrel::Project project = kestrel::Project::open(projectFolder());
        kestrel::store::Statement query(project.database(),
                                        "SELECT class_id FROM labels WHERE sample_id = ?");
        query.bind(1, sample);
        return query.step() ? query.columnInt(0) : 0;
    }
    kestrel::store::RunRecord storedRun(std::int64_t id) const {
        kestrel::Project project = kestrel::Project::open(projectFolder());
        return kestrel::store::RunRepository(project.database()).get(id);
    }

    // Kills the window's other rank of `run` (its kestrel-cli ... --join-run RUN) as the
    // kernel would kill it for memory; false when there is none.
    static bool killRankOf(qint64 run) {
        const std::string wanted = std::string("--join-run") + '\0' + std::to_string(run) + '\0';
        for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
            std::ifstream file(entry.path() / "cmdline", std::ios::binary);
            const std::string command((std::istreambuf_iterator<char>(file)),
                                      std::istreambuf_iterator<char>());
            const std::string name = entry.path().filename().string();
            if (command.find(wanted) != std::string::npos &&
                name.find_first_not_of("0123456789") == std::string::npos) {
                return ::kill(std::stoi(name), SIGKILL) == 0;
            }
        }
        return false;
    }

    void chooseSettings(int epochs) { kestrel::testing::chooseQuickSettings(form(), epochs); }

    // Presses Start and waits for the run to end; returns its id.
    qint64 trainThroughTheWindow(int epochs, const QString& expectedStatus = "completed") {
        chooseSettings(epochs);
        QSignalSpy finished(app_->training.get(), &TrainingController::runFinished);
        QTest::mouseClick(button("startTraining"), Qt::LeftButton);
        [&] {
            QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 120000);
        }();
        if (finished.isEmpty()) {
            return 0;
        }
        [&] {
            QCOMPARE(finished.at(0).at(1).toString(), expectedStatus);
        }();
        return finished.at(0).at(0).toLongLong();
    }

private slots:
    void initTestCase() {
        kestrel::testing::useTestSettings();
        qputenv("KESTREL_CLI", KESTREL_CLI_PATH); // the window's other ranks
    }

    void init() {
        dir_ = std::make_unique<TempDir>();
        kestrel::testing::writeLeftRightPngs(*dir_ / "source");
        {
            kestrel::Project project = kestrel::Project::create(projectFolder(), "Left/right");
            kestrel::dataset::importSource(project, *dir_ / "source", {});
        }
        app_ = std::make_unique<kestrel::testing::TestWorkbench>();
        app_->window->training()->runsPage()->setOpensExportFolder(false);
        QSignalSpy choices(app_->training.get(), &TrainingController::choicesReady);
        emit app_->window->openProjectRequested(QString::fromStdString(projectFolder().string()));
        QVERIFY(choices.wait(20000));
        QCoreApplication::processEvents();
        app_->window->showTraining();
    }

    void cleanup() {
        app_.reset();
        dir_.reset();
    }

    void aRunTrainsLiveAndACellListsItsSamples() {
        QSignalSpy epochs(app_->training.get(), &TrainingController::epochFinished);
        const qint64 run = trainThroughTheWindow(4);
        QVERIFY(run > 0);
        QCOMPARE(storedRun(run).status, std::string("completed"));

        // Live curves: batch losses as they came, one validation point per epoch.
        TrainingCharts* charts = workspace()->live()->charts();
        QVERIFY(charts->pointCount(run, "batch_loss") >= 4 * 5); // 80 images / 16 per batch
        QCOMPARE(charts->pointCount(run, "val_accuracy"), 4);
        QCOMPARE(epochs.size(), 4);
        const auto metrics = epochs.last().at(2).value<QMap<QString, double>>();
        QVERIFY2(metrics.value("val_accuracy") >= 0.8,
                 qPrintable(QString::number(metrics.value("val_accuracy"))));

        // The matrix counts the 20 validation images; a click on (true left, predicted
        // left) lists exactly those samples in the browser, each with its confidence.
        ConfusionMatrixView* matrix = workspace()->live()->confusion()->matrixView();
        const auto confusion = epochs.last().at(3).value<ConfusionData>();
        QCOMPARE(confusion.total(), std::int64_t{20});
        const int leftIndex = confusion.classes.indexOf("left");
        QVERIFY(leftIndex >= 0);
        const std::int64_t expected = confusion.at(leftIndex, leftIndex);
        QVERIFY(expected > 0);
        QTest::mouseClick(matrix, Qt::LeftButton, {},
                          matrix->cellRect(leftIndex, leftIndex).center());
        QCOMPARE(app_->window->workspaceTabs()->currentIndex(), 0); // the samples, shown
        SampleBrowser* browser = app_->window->browser();
        QVERIFY(browser->subset() != nullptr);
        QVERIFY(browser->subset()->title.contains("True left, predicted left"));
        SampleModel* model = browser->model();
        QCOMPARE(model->rowCount(), static_cast<int>(expected));
        for (int row = 0; row < model->rowCount(); ++row) {
            const auto* sample = model->sampleAt(row);
            QCOMPARE(QString::fromStdString(sample->split), QString("val"));
            QCOMPARE(model->index(row, SampleModel::LabelColumn)
                         .data(SampleModel::ClassNameRole)
                         .toString(),
                     QString("left"));
            const double score = model->index(row, 0).data(SampleModel::ScoreRole).toDouble();
            QVERIFY(score >= 0.5 && score <= 1.0);
        }
        // Show all leaves the cell.
        QTest::mouseClick(browser->findChild<QToolButton*>("clearSubset"), Qt::LeftButton);
        QCOMPARE(model->rowCount(), 120);

        // The Runs tab selected the run as it started; now that it has ended, it shows the
        // run's curves and matrix without another click.
        app_->window->showTraining();
        workspace()->showRuns();
        RunsPage* page = workspace()->runsPage();
        QCOMPARE(page->runs()->selectedRuns(), std::vector<std::int64_t>{run});
        QTRY_COMPARE(page->charts()->pointCount(run, "val_accuracy"), 4);
        QTRY_VERIFY(!page->confusion()->matrixView()->isEmpty());
        QCOMPARE(page->confusion()->matrixView()->matrix().total(), std::int64_t{20});
    }

    void aRunInTwoProcessesTrainsLiveAsOne() {
        if (QThread::idealThreadCount() < 2) {
            QSKIP("Two processes need two cores.");
        }
        chooseSettings(3);
        auto* processes = form()->findChild<QSpinBox*>("processes");
        QVERIFY(processes != nullptr);
        processes->setValue(2);
        QCOMPARE(processes->value(), 2);
        // A batch that does not split is refused where it is set, before Start.
        form()->findChild<QSpinBox*>("batchSize")->setValue(15);
        QVERIFY(!form()->isValid());
        QVERIFY2(form()->firstProblem().contains("does not split over 2 processes"),
                 qPrintable(form()->firstProblem()));
        QVERIFY(!button("startTraining")->isEnabled());
        form()->findChild<QSpinBox*>("batchSize")->setValue(16);
        QVERIFY(form()->isValid());

        QSignalSpy finished(app_->training.get(), &TrainingController::runFinished);
        QSignalSpy pausable(app_->training.get(), &TrainingController::pausableChanged);
        QSignalSpy notices(app_->training.get(), &TrainingController::runNotices);
        QTest::mouseClick(button("startTraining"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 180000);
        const qint64 run = finished.at(0).at(0).toLongLong();
        for (const auto& notice : notices) {
            qInfo() << notice.at(1).toStringList(); // a rank's last words, when it failed
        }
        QCOMPARE(finished.at(0).at(1).toString(), QString("completed"));
        // Pause was off while the ranks trained: a paused rank would leave the other waiting.
        QVERIFY(!pausable.isEmpty());
        QCOMPARE(pausable.first().at(0).toBool(), false);

        // Recorded once, by this window (rank 0), as a run of two ranks of 8 images each.
        kestrel::Project project = kestrel::Project::open(projectFolder());
        kestrel::store::RunRepository runs(project.database());
        QCOMPARE(runs.get(run).status, std::string("completed"));
        auto params = runs.params(run);
        QCOMPARE(params["world_size"], std::string("2"));
        QCOMPARE(params["rank_batch_size"], std::string("8"));
        QCOMPARE(params["batch_size"], std::string("16"));
        QCOMPARE(runs.list().size(), std::size_t{1});

        // Rank 0's live figures, as for a run in one process: 80 training images make 5
        // global batches an epoch, and the 20 validation images are all counted.
        TrainingCharts* charts = workspace()->live()->charts();
        QCOMPARE(charts->pointCount(run, "val_accuracy"), 3);
        QVERIFY(charts->pointCount(run, "batch_loss") >= 3 * 5);
    }

    void aRankThatCannotStartFailsTheRunWithItsSentence() {
        if (QThread::idealThreadCount() < 2) {
            QSKIP("Two processes need two cores.");
        }
        // The other rank is started with a setting of its own, which --join-run refuses.
        const std::filesystem::path wrapper = *dir_ / "kestrel-cli-with-a-seed";
        {
            std::ofstream script(wrapper);
            script << "#!/bin/sh\nexec '" << KESTREL_CLI_PATH << "' \"$@\" --seed 5\n";
        }
        std::filesystem::permissions(wrapper, std::filesystem::perms::owner_all);
        qputenv("KESTREL_CLI", wrapper.c_str());
        chooseSettings(2);
        form()->findChild<QSpinBox*>("processes")->setValue(2);
        QSignalSpy finished(app_->training.get(), &TrainingController::runFinished);
        QTest::mouseClick(button("startTraining"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 120000);
        qputenv("KESTREL_CLI", KESTREL_CLI_PATH);
        const qint64 run = finished.at(0).at(0).toLongLong();
        QCOMPARE(finished.at(0).at(1).toString(), QString("failed"));
        const QString reason = finished.at(0).at(2).toString();
        QVERIFY2(reason.contains("Rank 1 could not start: --join-run trains run"),
                 qPrintable(reason));
        QCOMPARE(storedRun(run).status, std::string("failed"));
    }

    void aKilledRankLeavesTheRunInterruptedAndSaysSo() {
        if (QThread::idealThreadCount() < 2) {
            QSKIP("Two processes need two cores.");
        }
        chooseSettings(200); // long enough to be killed in
        form()->findChild<QSpinBox*>("processes")->setValue(2);
        QSignalSpy started(app_->training.get(), &TrainingController::runStarted);
        QSignalSpy epochs(app_->training.get(), &TrainingController::epochFinished);
        QSignalSpy finished(app_->training.get(), &TrainingController::runFinished);
        QSignalSpy notices(app_->training.get(), &TrainingController::runNotices);
        QTest::mouseClick(button("startTraining"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!epochs.isEmpty(), 60000);
        const qint64 run = started.at(0).at(0).toLongLong();
        QVERIFY(killRankOf(run));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 120000);
        QCOMPARE(finished.at(0).at(1).toString(), QString("interrupted"));
        QCOMPARE(storedRun(run).status, std::string("interrupted"));
        QVERIFY(epochs.size() < 200);
        // What became of the other process reaches the run's notices.
        QVERIFY(!notices.isEmpty());
        const QString said = notices.last().at(1).toStringList().join(' ');
        QVERIFY2(said.contains("Process 1 of the run stopped"), qPrintable(said));
    }

    void aQueuedRunFollowsAndTwoRunsCompare() {
        chooseSettings(2);
        QSignalSpy finished(app_->training.get(), &TrainingController::runFinished);
        QSignalSpy queue(app_->training.get(), &TrainingController::queueChanged);
        QTest::mouseClick(button("startTraining"), Qt::LeftButton);
        form()->findChild<QSpinBox*>("epochs")->setValue(3);
        QTRY_VERIFY(button("queueTraining")->isEnabled());
        QTest::mouseClick(button("queueTraining"), Qt::LeftButton);
        QVERIFY(!queue.isEmpty());
        QCOMPARE(queue.first().at(0).toInt(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 120000);
        const qint64 first = finished.at(0).at(0).toLongLong();
        const qint64 second = finished.at(1).at(0).toLongLong();
        QCOMPARE(storedRun(second).status, std::string("completed"));

        // Both in the runs table; selected together, their curves overlay and the diff
        // names the one setting that differs.
        workspace()->showRuns();
        RunsView* runs = workspace()->runsPage()->runs();
        QTRY_VERIFY(
            workspace()->runsPage()->findChild<QTableView*>("runsTable")->model()->rowCount() == 2);
        runs->selectRuns({first, second});
        TrainingCharts* charts = workspace()->runsPage()->charts();
        QTRY_COMPARE(charts->pointCount(first, "val_accuracy"), 2);
        QTRY_COMPARE(charts->pointCount(second, "val_accuracy"), 3);
        QVERIFY(charts->runColor(first) != charts->runColor(second));
        auto* diff = workspace()->runsPage()->findChild<QTableWidget*>("paramDiff");
        QVERIFY(diff != nullptr);
        QStringList differing;
        for (int row = 0; row < diff->rowCount(); ++row) {
            differing.append(diff->verticalHeaderItem(row) ? diff->verticalHeaderItem(row)->text()
                                                           : diff->item(row, 0)->text());
        }
        QVERIFY2(differing.contains("epochs"), qPrintable(differing.join(", ")));
        QVERIFY2(!differing.contains("batch_size"), qPrintable(differing.join(", ")));
    }

    void aStoppedRunResumesAndAnExportIsVerified() {
        chooseSettings(40);
        QSignalSpy epochs(app_->training.get(), &TrainingController::epochFinished);
        QSignalSpy finished(app_->training.get(), &TrainingController::runFinished);
        QTest::mouseClick(button("startTraining"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(epochs.size() >= 1, 60000);
        QTest::mouseClick(button("stopTraining"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        QCOMPARE(finished.at(0).at(1).toString(), QString("cancelled"));
        const qint64 run = finished.at(0).at(0).toLongLong();
        QCOMPARE(storedRun(run).status, std::string("cancelled"));

        // Resume from the runs table continues the same run to its end.
        workspace()->showRuns();
        RunsView* runs = workspace()->runsPage()->runs();
        auto* table = workspace()->runsPage()->findChild<QTableView*>("runsTable");
        QTRY_VERIFY(table->model()->rowCount() == 1);
        runs->selectRuns({run});
        QVERIFY(!runs->selectedRuns().empty());
        QTRY_VERIFY(button("resumeRun")->isEnabled());
        QTest::mouseClick(button("resumeRun"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 120000);
        QCOMPARE(finished.at(1).at(0).toLongLong(), run);
        QCOMPARE(storedRun(run).status, std::string("completed"));

        // One click exports both formats, each verified, and says so.
        workspace()->showRuns();
        runs->selectRuns({run});
        QTRY_VERIFY(button("exportRun")->isEnabled());
        QSignalSpy exported(app_->runs.get(), &RunsController::exportFinished);
        QSignalSpy exportFailed(app_->runs.get(), &RunsController::exportFailed);
        QSignalSpy exporting(app_->runs.get(), &RunsController::exportProgress);
        QTest::mouseClick(button("exportRun"), Qt::LeftButton);

        // A label given while the export writes and verifies is committed at once: the export
        // is a task, and the store writer stays free for the label.
        QVERIFY(exporting.wait(60000));
        const SampleModel* samples = app_->window->browser()->model();
        const std::int64_t sample = samples->sampleAt(0)->id;
        const std::int64_t other =
            samples->sampleAt(0)->classId == classId("left") ? classId("right") : classId("left");
        QSignalSpy edits(app_->controller.get(), &ProjectController::labelsChanged);
        LabelAction relabel;
        relabel.samples = {sample};
        relabel.classId = other;
        app_->controller->applyLabelAction(1, relabel);
        QVERIFY(edits.wait(10000));
        QVERIFY2(exported.isEmpty() && exportFailed.isEmpty(),
                 "the export ended before the label was committed");
        QCOMPARE(storedLabelClass(sample), other);

        QVERIFY(exported.wait(120000));
        auto* status = workspace()->runsPage()->findChild<QLabel*>("exportStatus");
        QVERIFY2(status->text().contains("top-1 agreed"), qPrintable(status->text()));
        const QString folder = exported.at(0).at(2).toString();
        QVERIFY(QDir(folder).entryList({"*.pt"}).size() == 1);
        QVERIFY(QDir(folder).entryList({"*.onnx"}).size() == 1);
        // Its rows went through the writer into the run's project.
        std::set<std::string> kinds;
        {
            kestrel::Project project = kestrel::Project::open(projectFolder());
            for (const auto& artifact :
                 kestrel::store::RunRepository(project.database()).artifacts(run)) {
                kinds.insert(artifact.kind);
            }
        }
        QVERIFY(kinds.count("torchscript") == 1 && kinds.count("onnx") == 1);
    }

    void pauseHoldsTheRunAndNotesAndTagsAreStored() {
        chooseSettings(200);
        QSignalSpy started(app_->training.get(), &TrainingController::runStarted);
        QSignalSpy finished(app_->training.get(), &TrainingController::runFinished);
        // Pause pressed while the run is being set up (click() runs no event loop in
        // between): the trainer checks the flag before every batch, so not one may land.
        button("startTraining")->click();
        button("pauseTraining")->click();
        QVERIFY(button("pauseTraining")->isChecked());
        QVERIFY(started.wait(60000));
        const qint64 run = started.at(0).at(0).toLongLong();
        // The barrier: the trainer stands at the pause before its first batch. Then no batch
        // has trained: none on the chart, none in the store once the writer has drained.
        QTRY_VERIFY_WITH_TIMEOUT(app_->training->isHeldByPause(), 60000);
        bool drained = false;
        app_->controller->writer().whenDrained(app_->window.get(), [&] { drained = true; });
        QTRY_VERIFY(drained);
        QCoreApplication::processEvents();
        TrainingCharts* charts = workspace()->live()->charts();
        QCOMPARE(charts->pointCount(run, "batch_loss"), 0);
        {
            kestrel::Project project = kestrel::Project::open(projectFolder());
            QVERIFY(kestrel::store::RunRepository(project.database())
                        .metrics(run, "batch_loss")
                        .empty());
        }
        auto* status = workspace()->live()->findChild<QLabel*>("liveStatus");
        QVERIFY2(status->text().contains("Paused"), qPrintable(status->text()));
        QTest::mouseClick(button("pauseTraining"), Qt::LeftButton); // Resume
        QVERIFY(!button("pauseTraining")->isChecked());
        QTRY_VERIFY_WITH_TIMEOUT(charts->pointCount(run, "batch_loss") > 0, 30000);
        QVERIFY2(!status->text().contains("Paused"), qPrintable(status->text()));
        QTest::mouseClick(button("stopTraining"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);

        // Notes and tags typed in the runs table reach the project file.
        workspace()->showRuns();
        auto* table = workspace()->runsPage()->findChild<QTableView*>("runsTable");
        QTRY_VERIFY(table->model()->rowCount() == 1);
        workspace()->runsPage()->runs()->selectRuns({run});
        auto* notes = workspace()->runsPage()->findChild<QPlainTextEdit*>("runNotes");
        notes->setFocus();
        QTest::keyClicks(notes, "stopped by hand; lighting changed");
        QTest::keyClick(notes, Qt::Key_Return);
        auto* tags = workspace()->runsPage()->findChild<QLineEdit*>("runTags");
        tags->setFocus();
        QTest::keyClicks(tags, "baseline, night shift");
        QTest::keyClick(tags, Qt::Key_Return);
        QTRY_COMPARE(storedRun(run).notes, std::string("stopped by hand; lighting changed"));
        QTRY_VERIFY(storedRun(run).tags == (std::vector<std::string>{"baseline", "night shift"}));
    }

    void deletingARunAsksAndRemovesItsFiles() {
        const qint64 run = trainThroughTheWindow(1);
        QVERIFY(run > 0);
        const auto folder = projectFolder() / "runs" / std::to_string(run);
        QVERIFY(std::filesystem::exists(folder));
        workspace()->showRuns();
        RunsView* runs = workspace()->runsPage()->runs();
        auto* table = workspace()->runsPage()->findChild<QTableView*>("runsTable");
        QTRY_VERIFY(table->model()->rowCount() == 1);
        runs->selectRuns({run});
        QTRY_VERIFY(button("deleteRuns")->isEnabled());
        QString question;
        kestrel::testing::ModalAnswerer answers(
            {kestrel::testing::clickMessageBox(QMessageBox::Yes, &question)});
        QSignalSpy loaded(app_->runs.get(), &RunsController::runsLoaded);
        QTest::mouseClick(button("deleteRuns"), Qt::LeftButton);
        QVERIFY(question.contains(QString("#%1").arg(run)));
        QVERIFY(loaded.wait(10000));
        QTRY_VERIFY(!std::filesystem::exists(folder));
        kestrel::Project project = kestrel::Project::open(projectFolder());
        QVERIFY(!kestrel::store::RunRepository(project.database()).find(run).has_value());
    }

    void closingDuringARunAsksFirst() {
        chooseSettings(200);
        QSignalSpy epochs(app_->training.get(), &TrainingController::epochFinished);
        QTest::mouseClick(button("startTraining"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(epochs.size() >= 1, 60000);
        {
            kestrel::testing::ModalAnswerer answers(
                {kestrel::testing::clickMessageBox(QMessageBox::No)});
            QVERIFY(!app_->window->close()); // No: the window stays, the run goes on
        }
        QVERIFY(app_->training->isTraining());
        QSignalSpy finished(app_->training.get(), &TrainingController::runFinished);
        {
            kestrel::testing::ModalAnswerer answers(
                {kestrel::testing::clickMessageBox(QMessageBox::Yes)});
            QVERIFY(app_->window->close());
        }
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        QCOMPARE(finished.at(0).at(1).toString(), QString("cancelled")); // resumable
    }
};

QTEST_MAIN(TrainingWorkbenchTest)
#include "training_workbench_test.moc"
