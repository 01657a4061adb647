// Anomaly detection from the window, driven as a user drives it, headless: the task chosen in
// the Training tab, a fit with live stages, the OK/NG matrix and the score histogram, a bar's
// samples in the browser, scores on the thumbnails and the anomaly map over the image. Every
// check that matters reads the project file through a second connection.
#include "anomaly_form.h"
#include "anomaly_score_panel.h"
#include "anomaly_surfaces.h"
#include "confusion_matrix_view.h"
#include "confusion_panel.h"
#include "dataset/importer.h"
#include "image_viewer.h"
#include "operating_point_panel.h"
#include "project/project.h"
#include "runs_page.h"
#include "sample_browser.h"
#include "sample_model.h"
#include "score_histogram_view.h"
#include "store/run_repository.h"
#include "temp_dir.h"
#include "test_workbench.h"
#include "training_live_view.h"
#include "training_panel.h"
#include "training_workspace.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QToolButton>

using kestrel::app::TrainingController;
using kestrel::testing::TempDir;
using namespace kestrel::widgets;

class AnomalyWorkbenchTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<kestrel::testing::TestWorkbench> app_;

    std::filesystem::path projectFolder() const { return *dir_ / "surfaces-project"; }
    TrainingWorkspace* workspace() const { return app_->window->training(); }
    TrainingPanel* panel() const { return workspace()->panel(); }

    // For people checking the window by eye: with KESTREL_TEST_SHOTS=DIR (and a real display,
    // e.g. under xvfb-run with QT_QPA_PLATFORM=xcb) the test saves what it shows there.
    void shoot(const char* name) const {
        const QString folder = qEnvironmentVariable("KESTREL_TEST_SHOTS");
        if (!folder.isEmpty()) {
            QCoreApplication::processEvents();
            app_->window->grab().save(folder + QLatin1Char('/') + name + QStringLiteral(".png"));
        }
    }

    // The run's stored normalised scores per sample and whether each is a defect.
    std::map<std::int64_t, std::pair<double, bool>> storedScores(std::int64_t run,
                                                                 const std::string& split) const {
        kestrel::Project project = kestrel::Project::open(projectFolder());
        std::map<std::int64_t, std::pair<double, bool>> scores;
        for (const auto& prediction :
             kestrel::store::RunRepository(project.database()).predictions(run, split)) {
            scores[prediction.sampleId] = {prediction.confidence, prediction.truth == 1};
        }
        return scores;
    }

    // Chooses anomaly detection in the form, small and on the CPU, and presses Start; waits
    // until its records are in the project and returns the run's id.
    qint64 fitThroughTheWindow() {
        auto* task = panel()->findChild<QComboBox*>("trainingTask");
        task->setCurrentIndex(task->findText("Anomaly", Qt::MatchStartsWith));
        AnomalyForm* form = panel()->anomalyForm();
        form->findChild<QSpinBox*>("anomalyImageSize")->setValue(64);
        auto* device = form->findChild<QComboBox*>("anomalyDevice");
        device->setCurrentIndex(device->findData("cpu"));
        QSignalSpy finished(app_->training.get(), &TrainingController::runFinished);
        QSignalSpy recorded(app_->training.get(), &TrainingController::runRecorded);
        QSignalSpy progress(app_->training.get(), &TrainingController::progressChanged);
        QSignalSpy pausable(app_->training.get(), &TrainingController::pausableChanged);
        QTest::mouseClick(panel()->findChild<QPushButton*>("startTraining"), Qt::LeftButton);
        [&] {
            QTRY_COMPARE_WITH_TIMEOUT(recorded.size(), 1, 180000);
        }();
        if (recorded.isEmpty()) {
            return 0;
        }
        [&] {
            QCOMPARE(finished.size(), 1);
            QCOMPARE(finished.at(0).at(1).toString(), QString("completed"));
            // The stages went by, named, and the fit could not be paused meanwhile.
            QVERIFY(!progress.isEmpty());
            QVERIFY(!progress.first().at(0).value<TrainingProgress>().stage.isEmpty());
            QVERIFY(pausable.size() >= 2);
            QCOMPARE(pausable.first().at(0).toBool(), false);
            QCOMPARE(pausable.last().at(0).toBool(), true);
        }();
        return recorded.at(0).at(0).toLongLong();
    }

private slots:
    void initTestCase() { kestrel::testing::useTestSettings(); }

    void init() {
        dir_ = std::make_unique<TempDir>();
        {
            kestrel::Project project = kestrel::Project::create(projectFolder(), "Surfaces");
            // 24 good training images (3 held out), 8 good and 3 x 4 defective test images,
            // inside the project: the held-out images, chosen by stored path, stay the same
            // from run to run.
            const auto surfaces = projectFolder() / "surfaces";
            kestrel::testing::writeSurfaceSet(surfaces, 64, 24, 8, 4, 5);
            kestrel::dataset::ImportOptions import;
            import.format = kestrel::dataset::ImportFormat::MvTec;
            kestrel::dataset::importSource(project, surfaces, import);
        }
        app_ = std::make_unique<kestrel::testing::TestWorkbench>();
        if (const QString size = qEnvironmentVariable("KESTREL_TEST_WINDOW"); !size.isEmpty()) {
            app_->window->resize(size.section('x', 0, 0).toInt(), size.section('x', 1, 1).toInt());
        }
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

    void aFitShowsItsHistogramAndABarListsItsSamples() {
        const qint64 run = fitThroughTheWindow();
        QVERIFY(run > 0);
        {
            kestrel::Project project = kestrel::Project::open(projectFolder());
            const auto record = kestrel::store::RunRepository(project.database()).get(run);
            QCOMPARE(record.task, std::string("anomaly"));
            QCOMPARE(record.status, std::string("completed"));
        }

        // The live view: the OK/NG matrix of the validation images and the histogram.
        ConfusionPanel* confusion = workspace()->live()->confusion();
        AnomalyScorePanel* histogram = confusion->anomalyScores();
        QTRY_VERIFY_WITH_TIMEOUT(histogram->isVisible(), 20000);
        shoot("anomaly-live");
        QVERIFY(!confusion->operatingPoint()->isVisible());
        QCOMPARE(histogram->threshold(), 0.5);

        // Test, where both kinds of part are: its counts at 0.5 are the stored verdicts'.
        const auto test = storedScores(run, "test");
        QCOMPARE(test.size(), std::size_t{20});
        auto* split = histogram->findChild<QComboBox*>("anomalySplit");
        QVERIFY(split != nullptr);
        split->setCurrentIndex(split->findText("Test"));
        std::int64_t escapes = 0;
        std::int64_t rejects = 0;
        for (const auto& [id, scored] : test) {
            escapes += scored.second && scored.first < 0.5;
            rejects += !scored.second && scored.first >= 0.5;
        }
        const QString rates = histogram->ratesText();
        QVERIFY2(rates.contains(QString("%1 of 12 defects escape").arg(escapes)),
                 qPrintable(rates));
        QVERIFY2(rates.contains(QString("%1 of 8 good parts rejected").arg(rejects)),
                 qPrintable(rates));

        // A click on the fullest defect bar lists exactly its samples, with their scores.
        auto* view = histogram->findChild<ScoreHistogramView*>("scoreHistogram");
        QVERIFY(view != nullptr);
        std::map<int, std::vector<std::int64_t>> defectBins;
        for (const auto& [id, scored] : test) {
            if (scored.second) {
                defectBins[ScoreHistogramView::binOf(scored.first)].push_back(id);
            }
        }
        const auto fullest = std::max_element(
            defectBins.begin(), defectBins.end(),
            [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
        workspace()->showRuns();
        QTRY_VERIFY_WITH_TIMEOUT(workspace()->runsPage()->confusion()->anomalyScores()->isVisible(),
                                 20000);
        shoot("anomaly-runs");
        workspace()->showLive();
        QTest::mouseClick(view, Qt::LeftButton, {}, view->barRect(fullest->first, true).center());
        SampleBrowser* browser = app_->window->browser();
        QTRY_VERIFY(browser->subset() != nullptr);
        QVERIFY(browser->subset()->kind == kestrel::widgets::SampleSubset::Scores::AnomalyScore);
        SampleModel* model = browser->model();
        QCOMPARE(model->rowCount(), static_cast<int>(fullest->second.size()));
        for (int row = 0; row < model->rowCount(); ++row) {
            const auto id = model->sampleAt(row)->id;
            QVERIFY(std::count(fullest->second.begin(), fullest->second.end(), id) == 1);
            const double score = model->index(row, 0).data(SampleModel::ScoreRole).toDouble();
            QVERIFY(std::abs(score - test.at(id).first) < 1e-6);
            QCOMPARE(model->index(row, 0).data(SampleModel::ScoreTextRole).toString(),
                     QString::number(test.at(id).first, 'f', 2));
        }
        shoot("anomaly-bar-samples");
        QTest::mouseClick(browser->findChild<QToolButton*>("clearSubset"), Qt::LeftButton);

        // The matrix's good/good cell lists the validation parts passed, with their scores
        // as anomaly scores too.
        app_->window->showTraining();
        workspace()->showLive();
        ConfusionMatrixView* matrix = confusion->matrixView();
        const std::int64_t passed = matrix->matrix().at(0, 0);
        QVERIFY(passed > 0);
        QTest::mouseClick(matrix, Qt::LeftButton, {}, matrix->cellRect(0, 0).center());
        QTRY_VERIFY(browser->subset() != nullptr &&
                    browser->subset()->title.contains("True good, predicted good"));
        QVERIFY(browser->subset()->kind == kestrel::widgets::SampleSubset::Scores::AnomalyScore);
        QTRY_COMPARE(model->rowCount(), static_cast<int>(passed));
        QVERIFY(model->index(0, 0).data(SampleModel::ScoreTextRole).toString().startsWith("0."));
        QTest::mouseClick(browser->findChild<QToolButton*>("clearSubset"), Qt::LeftButton);

        // The thumbnails: each validation and test image's verdict and score; red where the
        // verdict disagrees with the label.
        QTRY_VERIFY(model->review() && model->review()->runId == run);
        QVERIFY(model->review()->anomaly);
        int badges = 0;
        for (int row = 0; row < model->rowCount(); ++row) {
            const auto* sample = model->sampleAt(row);
            const auto found = test.find(sample->id);
            const QModelIndex index = model->index(row, 0);
            if (found == test.end()) {
                continue;
            }
            const bool defect = found->second.first >= 0.5;
            QCOMPARE(index.data(SampleModel::ReviewBadgeRole).toString(),
                     QString("%1 %2")
                         .arg(defect ? "defect" : "good")
                         .arg(found->second.first, 0, 'f', 2));
            QCOMPARE(index.data(SampleModel::ReviewFlagRole).toInt(),
                     defect != found->second.second ? 1 : 0);
            ++badges;
        }
        QCOMPARE(badges, 20);

        // The anomaly map over a defective test image.
        app_->window->showSamples();
        const auto defective = std::find_if(test.begin(), test.end(),
                                            [](const auto& entry) { return entry.second.second; });
        browser->setCurrentSample(defective->first);
        ImageViewer* viewer = app_->window->viewer();
        QTRY_VERIFY(!viewer->image().isNull());
        auto* mapButton = viewer->findChild<QToolButton*>("saliencyButton");
        QTRY_COMPARE(mapButton->text(), QString("Anomaly map"));
        QTest::mouseClick(mapButton, Qt::LeftButton);
        QVERIFY(viewer->isSaliencyOn());
        QTRY_VERIFY_WITH_TIMEOUT(viewer->hasOverlay(), 30000);
        QTRY_VERIFY2(viewer->saliencyStatus().contains(
                         QString("anomaly score %1").arg(defective->second.first, 0, 'f', 2)),
                     qPrintable(viewer->saliencyStatus()));
        shoot("anomaly-map");
    }
};

QTEST_MAIN(AnomalyWorkbenchTest)
#include "anomaly_workbench_test.moc"
