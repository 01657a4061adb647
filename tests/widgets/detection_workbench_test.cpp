// A detection run from the window, driven as a user drives it, headless: the task choice with
// its defaults, Start, the live box matrix with its APs, a click on a cell listing the
// validation images with such boxes, and the Runs tab's per-class table and precision-recall
// curves read back from the store.
#include "class_metrics_table.h"
#include "confusion_matrix_view.h"
#include "confusion_panel.h"
#include "dataset/importer.h"
#include "detection_class_table.h"
#include "image_viewer.h"
#include "operating_point_panel.h"
#include "precision_recall_view.h"
#include "project/project.h"
#include "review/run_saliency.h"
#include "runs_page.h"
#include "runs_view.h"
#include "sample_browser.h"
#include "sample_model.h"
#include "segmentation_scans.h"
#include "store/run_repository.h"
#include "temp_dir.h"
#include "test_workbench.h"
#include "training_form.h"
#include "training_live_view.h"
#include "training_panel.h"
#include "training_workspace.h"

#include <filesystem>
#include <memory>

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QToolButton>

using kestrel::app::TrainingController;
using kestrel::testing::TempDir;
using namespace kestrel::widgets;

class DetectionWorkbenchTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<kestrel::testing::TestWorkbench> app_;

    std::filesystem::path projectFolder() const { return *dir_ / "plates"; }
    TrainingWorkspace* workspace() const { return app_->window->training(); }

    // The browser lists the cell's images, whose box counts add up to the cell's.
    void expectBoxSubset(const QString& title, std::int64_t boxes) {
        SampleBrowser* browser = app_->window->browser();
        QTRY_VERIFY(browser->subset() != nullptr && browser->subset()->title.contains(title));
        QVERIFY(browser->subset()->kind == SampleSubset::Scores::BoxCount);
        SampleModel* model = browser->model();
        QVERIFY(model->rowCount() > 0);
        std::int64_t listed = 0;
        for (int row = 0; row < model->rowCount(); ++row) {
            QCOMPARE(QString::fromStdString(model->sampleAt(row)->split), QString("val"));
            const QString score = model->index(row, 0).data(SampleModel::ScoreTextRole).toString();
            QVERIFY2(score.endsWith("box") || score.endsWith("boxes"), qPrintable(score));
            const auto count =
                qRound64(model->index(row, 0).data(SampleModel::ScoreRole).toDouble());
            QVERIFY(count > 0);
            listed += count;
        }
        QCOMPARE(listed, boxes);
    }

    // A cell with boxes in it, among the defect classes' rows (found or missed).
    static std::pair<int, int> cellWithBoxes(const ConfusionData& matrix) {
        const int background = matrix.classCount() - 1;
        for (int t = 0; t < background; ++t) {
            for (int p = 0; p <= background; ++p) {
                if (matrix.at(t, p) > 0) {
                    return {t, p};
                }
            }
        }
        return {-1, -1};
    }

private slots:
    void initTestCase() { kestrel::testing::useTestSettings(); }

    void init() {
        dir_ = std::make_unique<TempDir>();
        const auto scans = kestrel::testing::writeSegmentationCoco(*dir_ / "scans", 15, 23, 48);
        {
            kestrel::Project project = kestrel::Project::create(projectFolder(), "Plates");
            kestrel::dataset::importSource(project, scans.folder, {});
        }
        app_ = std::make_unique<kestrel::testing::TestWorkbench>();
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

    void aDetectionRunShowsItsBoxesFiguresAndListsACellsImages() {
        auto* task = workspace()->findChild<QComboBox*>("trainingTask");
        QVERIFY(task != nullptr);
        task->setCurrentIndex(task->findText("Object detection", Qt::MatchStartsWith));
        QVERIFY(workspace()->panel()->currentTask() == TaskChoice::Detection);
        TrainingForm* form = workspace()->panel()->detectionForm();
        QVERIFY(form->isVisible());
        // The detection defaults arrived: a detector, described.
        QCOMPARE(form->options().model.substr(0, 5), std::string("fcos_"));
        QVERIFY(!form->findChild<QLabel*>("defaultsDescription") ||
                !form->findChild<QLabel*>("defaultsDescription")->text().isEmpty());
        form->findChild<QSpinBox*>("imageSize")->setValue(64);
        form->findChild<QSpinBox*>("batchSize")->setValue(4);
        form->findChild<QSpinBox*>("epochs")->setValue(2);
        for (QCheckBox* box : form->findChildren<QCheckBox*>()) {
            if (box->objectName().startsWith("aug")) {
                box->setChecked(false);
            }
        }
        QVERIFY2(form->isValid(), qPrintable(form->firstProblem()));
        QSignalSpy finished(app_->training.get(), &TrainingController::runFinished);
        QTest::mouseClick(app_->window->findChild<QPushButton*>("startTraining"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 180000);
        QCOMPARE(finished.at(0).at(1).toString(), QString("completed"));
        const qint64 run = finished.at(0).at(0).toLongLong();
        {
            kestrel::Project project = kestrel::Project::open(projectFolder());
            QCOMPARE(kestrel::store::RunRepository(project.database()).get(run).task,
                     std::string("detection"));
        }

        // The live matrix counts boxes, with the background last; no operating point.
        ConfusionPanel* live = workspace()->live()->confusion();
        ConfusionMatrixView* matrix = live->matrixView();
        QTRY_VERIFY(matrix->matrix().unit == ConfusionUnit::Boxes);
        QCOMPARE(matrix->matrix().classes.last(), QString("background"));
        QVERIFY(live->detectionTable()->isVisibleTo(live));
        QVERIFY(!live->metricsTable()->isVisibleTo(live));
        QVERIFY(!live->operatingPoint()->isVisibleTo(live));
        QCOMPARE(live->detectionTable()->rowCount(), matrix->matrix().classCount()); // + "All"
        const auto [truth, predicted] = cellWithBoxes(matrix->matrix());
        QVERIFY(truth >= 0); // the validation images have drawn boxes
        const std::int64_t boxes = matrix->matrix().at(truth, predicted);
        const QString title =
            QString("Boxes of %1 predicted %2")
                .arg(matrix->matrix().classes[truth], matrix->matrix().classes[predicted]);
        QTest::mouseClick(matrix, Qt::LeftButton, {}, matrix->cellRect(truth, predicted).center());
        QCOMPARE(app_->window->workspaceTabs()->currentIndex(), 0); // the samples, shown
        expectBoxSubset(title, boxes);

        // The stored run on the Runs tab: the same matrix, its table and its curves.
        app_->window->browser()->clearFilters();
        RunsPage* page = workspace()->runsPage();
        page->runs()->selectRuns({run});
        ConfusionPanel* stored = page->confusion();
        QTRY_VERIFY(stored->matrixView()->matrix().unit == ConfusionUnit::Boxes);
        QCOMPARE(stored->matrixView()->matrix().counts, matrix->matrix().counts);
        DetectionClassTable* table = stored->detectionTable();
        QTRY_COMPARE(table->rowCount(), matrix->matrix().classCount());
        // The drawn boxes per class are the matrix's rows; the last row sums them.
        std::int64_t drawn = 0;
        for (int row = 0; row + 1 < table->rowCount(); ++row) {
            const QString name = table->item(row, DetectionClassTable::ClassColumn)->text();
            const int c = static_cast<int>(matrix->matrix().classes.indexOf(name));
            QVERIFY(c >= 0);
            QCOMPARE(table->item(row, DetectionClassTable::DrawnColumn)->text().toLongLong(),
                     matrix->matrix().rowTotal(c));
            drawn += matrix->matrix().rowTotal(c);
        }
        QCOMPARE(table->item(table->rowCount() - 1, DetectionClassTable::DrawnColumn)
                     ->text()
                     .remove(',')
                     .toLongLong(),
                 drawn);
        // One curve for each class with validation boxes.
        int classesWithBoxes = 0;
        for (int c = 0; c + 1 < matrix->matrix().classCount(); ++c) {
            classesWithBoxes += matrix->matrix().rowTotal(c) > 0 ? 1 : 0;
        }
        QTRY_COMPARE(stored->precisionRecall()->curveCount(), classesWithBoxes);
        emit page->cellActivated(run, truth, predicted);
        expectBoxSubset(title, boxes);

        // The detector's boxes over a validation image, as the core draws them for it.
        app_->window->browser()->clearFilters();
        app_->window->showSamples();
        kestrel::Project project = kestrel::Project::open(projectFolder());
        const auto validation =
            kestrel::store::RunRepository(project.database()).predictions(run, "val");
        QVERIFY(!validation.empty());
        SampleBrowser* browser = app_->window->browser();
        QTRY_COMPARE(app_->saliency->runId(), static_cast<std::int64_t>(run));
        // The unfiltered list comes back from the store: pick the image once it is listed.
        QTRY_VERIFY((browser->setCurrentSample(validation.front().sampleId),
                     browser->currentSampleId() == validation.front().sampleId));
        ImageViewer* viewer = app_->window->viewer();
        QTRY_VERIFY(!viewer->image().isNull());
        auto* boxesButton = viewer->findChild<QToolButton*>("saliencyButton");
        QTRY_COMPARE(boxesButton->text(), QString("Predicted boxes"));
        QTest::mouseClick(boxesButton, Qt::LeftButton);
        // The selection outlives the review's reloads, so the boxes come for this image.
        QTRY_VERIFY_WITH_TIMEOUT(viewer->saliencyStatus().contains("predicted boxes"), 30000);
        QCOMPARE(browser->currentSampleId(), validation.front().sampleId);
        const auto* sample = browser->model()->sample(validation.front().sampleId);
        kestrel::review::RunSaliency eager(project, run);
        const auto expected = eager.detect(sample->path, 0.05);
        QCOMPARE(viewer->predictedBoxes().size(), static_cast<qsizetype>(expected.boxes.size()));
        const QRectF image(QPointF(0, 0), QSizeF(viewer->image().size()));
        for (const PredictedBox& box : viewer->predictedBoxes()) {
            QVERIFY(box.score >= 0.05);
            QVERIFY(image.contains(box.rect));
        }
        QVERIFY2(viewer->saliencyStatus().startsWith(QString::fromStdString(expected.verdict)),
                 qPrintable(viewer->saliencyStatus()));
    }
};

QTEST_MAIN(DetectionWorkbenchTest)
#include "detection_workbench_test.moc"
