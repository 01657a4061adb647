// The workbench driven from the keyboard against a real project on disk, headless: every
// label the window shows must already be in the project file, and undo must put the file
// back as it was.
#include "class_panel.h"
#include "dataset/importer.h"
#include "files.h"
#include "import_dialog.h"
#include "labelling_controller.h"
#include "main_window.h"
#include "modal_answerer.h"
#include "project/project.h"
#include "project_controller.h"
#include "sample_browser.h"
#include "sample_model.h"
#include "sample_review.h"
#include "store/sqlite.h"
#include "store_writer.h"
#include "temp_dir.h"
#include "test_workbench.h"

#include <memory>

#include <QComboBox>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTreeWidget>
#include <QUndoStack>

using kestrel::app::ProjectController;
using kestrel::testing::TempDir;
using namespace kestrel::testing;

namespace {

// A small PNG whose pixels depend on `seed`, so every file has its own bytes.
void writePng(const std::filesystem::path& file, int seed) {
    std::filesystem::create_directories(file.parent_path());
    QImage image(24, 16, QImage::Format_Grayscale8);
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            image.setPixel(x, y, qRgb((x * 7 + y * 3 + seed * 29) % 256, 0, 0));
        }
    }
    QVERIFY(image.save(QString::fromStdString(file.string())));
}

} // namespace

class WorkbenchTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<kestrel::testing::TestWorkbench> app_;

    std::filesystem::path projectFolder() const { return *dir_ / "line4"; }
    kestrel::widgets::SampleModel* model() const { return app_->window->samples(); }
    kestrel::widgets::SampleBrowser* browser() const { return app_->window->browser(); }

    // What the project file says, read through a connection of the test's own.
    std::int64_t query(const std::string& sql) const {
        kestrel::store::Database db(projectFolder() / "project.kestrel",
                                    kestrel::store::Database::Mode::ReadWrite);
        return db.queryInt(sql);
    }
    std::int64_t labelInFile(std::int64_t sample) const {
        return query("SELECT COALESCE((SELECT class_id FROM labels WHERE sample_id = " +
                     std::to_string(sample) + "), 0)");
    }
    std::int64_t classId(const char* name) const {
        return query(std::string("SELECT id FROM classes WHERE name = '") + name + "'");
    }
    // Waits until the controller has committed `count` more edits.
    void waitForEdits(QSignalSpy& spy, int count) {
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), count, 10000);
    }
    std::int64_t firstUnlabelled() const {
        for (int row = 0; row < model()->rowCount(); ++row) {
            if (model()->sampleAt(row)->classId == 0) {
                return model()->sampleAt(row)->id;
            }
        }
        return 0;
    }

private slots:
    void initTestCase() { kestrel::testing::useTestSettings(); }

    // Six labelled images of two classes and four without a label, opened in the window.
    void init() {
        dir_ = std::make_unique<TempDir>();
        for (int i = 0; i < 3; ++i) {
            writePng(*dir_ / "source/good" / ("g" + std::to_string(i) + ".png"), i);
            writePng(*dir_ / "source/scratch" / ("s" + std::to_string(i) + ".png"), 10 + i);
        }
        {
            kestrel::Project project = kestrel::Project::create(projectFolder(), "Line 4");
            kestrel::dataset::importSource(project, *dir_ / "source", {});
            for (int i = 0; i < 4; ++i) {
                writePng(*dir_ / "loose" / ("u" + std::to_string(i) + ".png"), 20 + i);
            }
            kestrel::dataset::ImportOptions loose;
            loose.format = kestrel::dataset::ImportFormat::Folder;
            kestrel::dataset::importSource(project, *dir_ / "loose", loose);
        }
        app_ = std::make_unique<kestrel::testing::TestWorkbench>();
        QVERIFY(QTest::qWaitForWindowExposed(app_->window.get()));

        QSignalSpy loaded(app_->controller.get(), &ProjectController::catalogLoaded);
        emit app_->window->openProjectRequested(QString::fromStdString(projectFolder().string()));
        QVERIFY(loaded.wait(10000));
        QCoreApplication::processEvents();
        QCOMPARE(model()->rowCount(), 10);
    }

    void cleanup() {
        app_.reset();
        dir_.reset();
    }

    void hotkeysLabelTheSelectionAndUndoRedoRewriteTheFile() {
        QSignalSpy edits(app_->controller.get(), &ProjectController::labelsChanged);
        const std::int64_t sample = firstUnlabelled();
        QVERIFY(sample != 0);
        browser()->setCurrentSample(sample);
        browser()->grid()->setFocus();

        QTest::keyClick(app_->window.get(), Qt::Key_2); // the second class: scratch
        waitForEdits(edits, 1);
        QCOMPARE(labelInFile(sample), classId("scratch"));
        QCOMPARE(model()->sample(sample)->classId, classId("scratch"));
        QCOMPARE(
            query("SELECT source = 'user' FROM labels WHERE sample_id = " + std::to_string(sample)),
            std::int64_t{1});

        QTest::keyClick(app_->window.get(), Qt::Key_Z, Qt::ControlModifier);
        waitForEdits(edits, 2);
        QCOMPARE(labelInFile(sample), std::int64_t{0});
        QCOMPARE(model()->sample(sample)->classId, std::int64_t{0});

        QTest::keyClick(app_->window.get(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        waitForEdits(edits, 3);
        QCOMPARE(labelInFile(sample), classId("scratch"));

        // A key no class has labels nothing and says so.
        QTest::keyClick(app_->window.get(), Qt::Key_7);
        // The barrier: every store job asked for before it has run and answered, so an edit
        // the key had sent would have been counted by now.
        bool drained = false;
        app_->controller->writer().whenDrained(app_->window.get(), [&] { drained = true; });
        QTRY_VERIFY(drained);
        QCOMPARE(edits.size(), 3);
        QCOMPARE(app_->window->labelling()->undoStack()->count(), 1);
    }

    void aSelectionIsLabelledInOneUndoableStep() {
        QSignalSpy edits(app_->controller.get(), &ProjectController::labelsChanged);
        browser()->grid()->selectAll();
        QTest::keyClick(app_->window.get(), Qt::Key_1);
        waitForEdits(edits, 1);
        QCOMPARE(query("SELECT count(*) FROM labels WHERE class_id = " +
                       std::to_string(classId("good"))),
                 std::int64_t{10});
        app_->window->labelling()->undoStack()->undo();
        waitForEdits(edits, 2);
        QCOMPARE(query("SELECT count(*) FROM labels"), std::int64_t{6});
        QCOMPARE(query("SELECT count(*) FROM labels WHERE class_id = " +
                       std::to_string(classId("scratch"))),
                 std::int64_t{3});
    }

    void quickModeMarksAndMovesToTheNextUnlabelledSample() {
        QSignalSpy edits(app_->controller.get(), &ProjectController::labelsChanged);
        app_->window->classPanel()->setQuickMode(true);
        QCOMPARE(app_->window->classPanel()->okClass(), classId("good"));
        const std::int64_t first = firstUnlabelled();
        browser()->setCurrentSample(first);

        QTest::keyClick(app_->window.get(), Qt::Key_O);
        QVERIFY(browser()->currentSampleId() != first);
        const std::int64_t second = browser()->currentSampleId();
        QCOMPARE(model()->sample(second)->classId, std::int64_t{0});
        QTest::keyClick(app_->window.get(), Qt::Key_N);
        waitForEdits(edits, 2);
        QCOMPARE(labelInFile(first), classId("good"));
        QCOMPARE(labelInFile(second), classId("scratch"));
    }

    void filtersNarrowTheListAndSplitsMoveWithUndo() {
        auto* show = browser()->findChild<QComboBox*>("showFilter");
        show->setCurrentIndex(show->findText("Unlabelled"));
        emit show->activated(show->currentIndex());
        QCOMPARE(model()->rowCount(), 4);

        show->setCurrentIndex(0);
        emit show->activated(0);
        auto* classes = browser()->findChild<QComboBox*>("classFilter");
        classes->setCurrentIndex(classes->findText("scratch"));
        emit classes->activated(classes->currentIndex());
        QCOMPARE(model()->rowCount(), 3);

        browser()->clearFilters();
        auto* search = browser()->findChild<QLineEdit*>("sampleSearch");
        QTest::keyClicks(search, "G1"); // digits typed in the search box are text, not labels
        QTRY_COMPARE(model()->rowCount(), 1);
        QCOMPARE(model()->sampleAt(0)->fileName, std::string("g1.png"));
        QCOMPARE(app_->window->labelling()->undoStack()->count(), 0);

        QSignalSpy edits(app_->controller.get(), &ProjectController::labelsChanged);
        browser()->setCurrentSample(model()->sampleAt(0)->id);
        QTest::keyClick(app_->window.get(), Qt::Key_3, Qt::ControlModifier); // move to test
        waitForEdits(edits, 1);
        const std::string id = std::to_string(model()->sampleAt(0)->id);
        QCOMPARE(query("SELECT split = 'test' FROM samples WHERE id = " + id), std::int64_t{1});
        app_->window->labelling()->undoStack()->undo();
        waitForEdits(edits, 2);
        QCOMPARE(query("SELECT split = 'test' FROM samples WHERE id = " + id), std::int64_t{0});
    }

    void aNewReviewKeepsTheImageLookedAt() {
        const std::int64_t looked = model()->sampleAt(2)->id;
        browser()->setCurrentSample(looked);
        QCOMPARE(browser()->currentSampleId(), looked);
        QSignalSpy changes(browser(), &kestrel::widgets::SampleBrowser::currentSampleChanged);
        // A run finished: its review arrives and the list is rebuilt under the user's eyes.
        auto review = std::make_shared<kestrel::widgets::SampleReview>();
        review->runId = 3;
        review->runTitle = "run #3";
        review->samples[looked].predicted = "scratch";
        browser()->setReview(review);
        QCOMPARE(browser()->currentSampleId(), looked);
        QVERIFY(!changes.isEmpty());
        QCOMPARE(changes.last().at(0).toLongLong(), looked); // the viewer shows it again
        browser()->setReview(nullptr);
        QCOMPARE(browser()->currentSampleId(), looked);
    }

    void mergingAClassAsksFirstAndUndoBringsItBack() {
        QSignalSpy classes(app_->controller.get(), &ProjectController::classesChanged);
        auto* list = app_->window->classPanel()->findChild<QListWidget*>("classList");
        list->setCurrentRow(1); // scratch
        QString question;
        ModalAnswerer answerer({enterText("good"), clickMessageBox(QMessageBox::Yes, &question)});
        app_->window->classPanel()->promptMergeCurrent();
        QVERIFY2(question.contains("3 samples"), qPrintable(question));
        QTRY_COMPARE_WITH_TIMEOUT(classes.size(), 1, 10000);
        QCOMPARE(query("SELECT count(*) FROM classes"), std::int64_t{1});
        QCOMPARE(query("SELECT count(*) FROM labels"), std::int64_t{6});
        QCOMPARE(app_->window->classPanel()->classes().size(), std::size_t{1});

        app_->window->labelling()->undoStack()->undo();
        QTRY_COMPARE_WITH_TIMEOUT(classes.size(), 2, 10000);
        QCOMPARE(query("SELECT count(*) FROM labels WHERE class_id = " +
                       std::to_string(classId("scratch"))),
                 std::int64_t{3});
        QCOMPARE(app_->window->classPanel()->classes().size(), std::size_t{2});
    }

    void importingABrokenFolderReportsTheBadFilesAndAddsTheRest() {
        const auto broken = *dir_ / "incoming";
        writePng(broken / "new1.png", 40);
        writePng(broken / "new2.png", 41);
        writeBytes(broken / "torn.png", "\x89PNG\r\n\x1a\n truncated");
        writeBytes(broken / "empty.jpg", "");

        app_->window->openImportDialog();
        auto* dialog = app_->window->importDialog();
        QVERIFY(dialog && dialog->isVisible());
        dialog->setSource(QString::fromStdString(broken.string()));
        auto* format = dialog->findChild<QComboBox*>("formatCombo");
        format->setCurrentIndex(format->findData("folder"));
        QSignalSpy finished(app_->controller.get(), &ProjectController::importFinished);
        QSignalSpy reloaded(app_->controller.get(), &ProjectController::catalogLoaded);
        dialog->findChild<QPushButton*>("importButton")->click();
        QVERIFY(dialog->isRunning());
        QVERIFY(finished.wait(20000));
        QCoreApplication::processEvents();

        const QString summary = dialog->findChild<QLabel*>("summaryLabel")->text();
        QVERIFY2(summary.contains("Added 2 of 4 images"), qPrintable(summary));
        QVERIFY2(summary.contains("2 could not be read"), qPrintable(summary));
        const auto* problems = dialog->findChild<QTreeWidget*>("problemList");
        QStringList listed;
        for (QTreeWidgetItemIterator it(const_cast<QTreeWidget*>(problems)); *it; ++it) {
            listed << (*it)->text(0) + " " + (*it)->text(1);
        }
        const QString all = listed.join('\n');
        QVERIFY2(all.contains("torn.png") && all.contains("empty.jpg"), qPrintable(all));
        QVERIFY2(all.contains("empty"), qPrintable(all)); // the reason, not only the name

        QTRY_VERIFY_WITH_TIMEOUT(reloaded.size() >= 1, 10000);
        QCoreApplication::processEvents();
        // Unreadable files are kept as samples, so the browser can show them and why.
        QCOMPARE(model()->rowCount(), 14);
        QCOMPARE(model()->counts().unreadable, std::int64_t{2});
        QCOMPARE(query("SELECT count(*) FROM samples WHERE status = 'ok'"), std::int64_t{12});
    }
};

QTEST_MAIN(WorkbenchTest)
#include "workbench_test.moc"
