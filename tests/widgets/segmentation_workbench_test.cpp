// A segmentation run from the window, driven as a user drives it, headless: the task choice,
// Start, and a click on a cell of the live pixel matrix and of the stored one, each listing
// the validation images with such pixels in the browser, each with how many.
#include "confusion_matrix_view.h"
#include "confusion_panel.h"
#include "dataset/importer.h"
#include "project/project.h"
#include "runs_page.h"
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
#include <vector>

#include <QCheckBox>
#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

using kestrel::app::RunsController;
using kestrel::app::TrainingController;
using kestrel::testing::TempDir;
using namespace kestrel::widgets;

class SegmentationWorkbenchTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<kestrel::testing::TestWorkbench> app_;

    std::filesystem::path projectFolder() const { return *dir_ / "plates"; }
    TrainingWorkspace* workspace() const { return app_->window->training(); }

    std::size_t validationImages() const {
        kestrel::Project project = kestrel::Project::open(projectFolder());
        return kestrel::store::RunRepository(project.database())
            .predictions(lastRun_, "val")
            .size();
    }

    // The browser lists the cell's images, each scored by its pixels in the cell.
    void expectPixelSubset(const QString& title, std::size_t images) {
        SampleBrowser* browser = app_->window->browser();
        QTRY_VERIFY(browser->subset() != nullptr && browser->subset()->title.contains(title));
        QVERIFY(browser->subset()->kind == SampleSubset::Scores::PixelCount);
        SampleModel* model = browser->model();
        QCOMPARE(static_cast<std::size_t>(model->rowCount()), images);
        for (int row = 0; row < model->rowCount(); ++row) {
            QCOMPARE(QString::fromStdString(model->sampleAt(row)->split), QString("val"));
            const QString score = model->index(row, 0).data(SampleModel::ScoreTextRole).toString();
            QVERIFY2(score.endsWith(" px") && score.chopped(3).toInt() > 0, qPrintable(score));
        }
    }

    qint64 lastRun_ = 0;

private slots:
    void initTestCase() { kestrel::testing::useTestSettings(); }

    void init() {
        dir_ = std::make_unique<TempDir>();
        const auto scans = kestrel::testing::writeSegmentationCoco(*dir_ / "scans", 15, 11, 32);
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

    void aPixelCellListsTheValidationImagesWithSuchPixels() {
        auto* task = workspace()->findChild<QComboBox*>("trainingTask");
        QVERIFY(task != nullptr);
        task->setCurrentIndex(task->findText("Segmentation", Qt::MatchStartsWith));
        TrainingForm* form = workspace()->panel()->segmentationForm();
        QVERIFY(form->isVisible());
        form->findChild<QSpinBox*>("imageSize")->setValue(32);
        form->findChild<QSpinBox*>("batchSize")->setValue(4);
        // The defaults validate every fifth epoch and the last: 4 and 6 of these 7 (from 0).
        form->findChild<QSpinBox*>("epochs")->setValue(7);
        for (QCheckBox* box : form->findChildren<QCheckBox*>()) {
            if (box->objectName().startsWith("aug")) {
                box->setChecked(false);
            }
        }
        QVERIFY2(form->isValid(), qPrintable(form->firstProblem()));
        QSignalSpy finished(app_->training.get(), &TrainingController::runFinished);
        // What a click on the live matrix's top-left cell would list after each epoch: nothing
        // before the first validation (-1), then the last validation's images.
        std::vector<long> listed;
        const auto watching =
            connect(app_->training.get(), &TrainingController::epochFinished, this,
                    [this, &listed](qint64 runId) {
                        const auto cell = app_->training->cellSamples(runId, 0, 0);
                        listed.push_back(cell ? static_cast<long>(cell->samples.size()) : -1);
                    });
        QTest::mouseClick(app_->window->findChild<QPushButton*>("startTraining"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 120000);
        disconnect(watching);
        QCOMPARE(finished.at(0).at(1).toString(), QString("completed"));
        lastRun_ = finished.at(0).at(0).toLongLong();
        const std::size_t images = validationImages();
        QVERIFY(images > 0);
        const auto all = static_cast<long>(images);
        QCOMPARE(listed, (std::vector<long>{-1, -1, -1, -1, all, all, all}));

        // The live matrix counts pixels; every validation image has background pixels.
        ConfusionMatrixView* matrix = workspace()->live()->confusion()->matrixView();
        QTRY_VERIFY(matrix->matrix().unit == kestrel::widgets::ConfusionUnit::Pixels);
        QTest::mouseClick(matrix, Qt::LeftButton, {}, matrix->cellRect(0, 0).center());
        QCOMPARE(app_->window->workspaceTabs()->currentIndex(), 0); // the samples, shown
        expectPixelSubset("Pixels of background predicted background", images);

        // The same cell of the stored run, as the Runs tab asks for it.
        app_->window->browser()->clearFilters();
        QVERIFY(app_->window->browser()->subset() == nullptr);
        emit workspace()->runsPage()->cellActivated(lastRun_, 0, 0);
        expectPixelSubset("Pixels of background predicted background", images);
    }
};

QTEST_MAIN(SegmentationWorkbenchTest)
#include "segmentation_workbench_test.moc"
