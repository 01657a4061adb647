// The window's shapes against a real project on disk, headless: tool keys, edits through the
// undo stack shared with labels, class keys on a selected shape, copying the previous
// sample's shapes, the browser's shape filters and outlines, and the dataset export. Every
// check of what is stored reads the project file through core's AnnotationRepository.
#include "annotation_actions.h"
#include "annotation_controller.h"
#include "annotation_editor.h"
#include "class_panel.h"
#include "dataset/importer.h"
#include "dataset_export_controller.h"
#include "export_dialog.h"
#include "image_viewer.h"
#include "labelling_controller.h"
#include "main_window.h"
#include "project/project.h"
#include "project_controller.h"
#include "sample_browser.h"
#include "sample_model.h"
#include "store/annotation_repository.h"
#include "store/sqlite.h"
#include "temp_dir.h"
#include "test_workbench.h"

#include <algorithm>
#include <memory>

#include <QAction>
#include <QComboBox>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

using kestrel::annotations::Shape;
using kestrel::annotations::ShapeKind;
using kestrel::app::AnnotationController;
using kestrel::app::ProjectController;
using kestrel::testing::TempDir;
using kestrel::widgets::AnnotationTool;
using kestrel::widgets::SampleFilter;

namespace {

void writePng(const std::filesystem::path& file, int seed) {
    std::filesystem::create_directories(file.parent_path());
    QImage image(48, 32, QImage::Format_Grayscale8);
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            image.setPixel(x, y, qRgb((x * 7 + y * 3 + seed * 29) % 256, 0, 0));
        }
    }
    QVERIFY(image.save(QString::fromStdString(file.string())));
}

Shape box(double x, double y, double width, double height, std::int64_t classId = 0) {
    Shape shape;
    shape.kind = ShapeKind::Box;
    shape.box = {x, y, width, height};
    shape.classId = classId;
    return shape;
}

Shape polygon(std::int64_t classId = 0) {
    Shape shape;
    shape.kind = ShapeKind::Polygon;
    shape.points = {{2, 2}, {20, 4}, {10, 18}};
    shape.classId = classId;
    return shape;
}

std::vector<std::int64_t> idsOf(const std::vector<Shape>& shapes) {
    std::vector<std::int64_t> ids;
    for (const Shape& shape : shapes) {
        ids.push_back(shape.id);
    }
    return ids;
}

} // namespace

class AnnotationActionsTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<kestrel::testing::TestWorkbench> app_;
    // Samples in import order: the first has a box, the second a polygon, the rest nothing.
    std::vector<std::int64_t> samples_;

    std::filesystem::path projectFolder() const { return *dir_ / "line4"; }
    kestrel::widgets::SampleModel* model() const { return app_->window->samples(); }
    kestrel::widgets::SampleBrowser* browser() const { return app_->window->browser(); }
    kestrel::widgets::AnnotationActions* actions() const { return app_->window->annotations(); }
    kestrel::widgets::AnnotationEditor* editor() const { return actions()->editor(); }
    QWidget* window() const { return app_->window.get(); }

    // What the project file holds, through a connection of the test's own.
    std::vector<Shape> stored(std::int64_t sample) const {
        kestrel::store::Database db(projectFolder() / "project.kestrel",
                                    kestrel::store::Database::Mode::ReadWrite);
        return kestrel::store::AnnotationRepository(db).shapesOf(sample);
    }
    std::int64_t classId(const char* name) const {
        kestrel::store::Database db(projectFolder() / "project.kestrel",
                                    kestrel::store::Database::Mode::ReadWrite);
        return db.queryInt(std::string("SELECT id FROM classes WHERE name = '") + name + "'");
    }

    // Makes `sample` current and waits until its image and its shapes are in the viewer.
    void show(std::int64_t sample) {
        browser()->setCurrentSample(sample);
        browser()->grid()->setFocus();
        QTRY_COMPARE_WITH_TIMEOUT(actions()->shownSample(), sample, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!app_->window->viewer()->image().isNull(), 10000);
    }
    // Presses `key` and waits for the store to answer with the sample's shapes.
    void pressAndWait(int key, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
        QSignalSpy changed(app_->annotations.get(), &AnnotationController::shapesChanged);
        QTest::keyClick(window(), Qt::Key(key), modifiers);
        QVERIFY2(changed.wait(10000), "the store never answered the edit");
    }

private slots:
    void initTestCase() { kestrel::testing::useTestSettings(); }

    void init() {
        dir_ = std::make_unique<TempDir>();
        for (int i = 0; i < 2; ++i) {
            writePng(*dir_ / "source/good" / ("g" + std::to_string(i) + ".png"), i);
            writePng(*dir_ / "source/scratch" / ("s" + std::to_string(i) + ".png"), 10 + i);
        }
        {
            kestrel::Project project = kestrel::Project::create(projectFolder(), "Line 4");
            kestrel::dataset::importSource(project, *dir_ / "source", {});
            samples_.clear();
            kestrel::store::Statement ids(project.database(), "SELECT id FROM samples ORDER BY id");
            while (ids.step()) {
                samples_.push_back(ids.columnInt(0));
            }
            kestrel::store::AnnotationRepository shapes(project.database());
            shapes.insert(samples_.at(0), box(4, 4, 10, 8));
            shapes.insert(samples_.at(1), polygon());
        }
        app_ = std::make_unique<kestrel::testing::TestWorkbench>();
        QVERIFY(QTest::qWaitForWindowExposed(window()));
        QSignalSpy kinds(app_->annotations.get(), &AnnotationController::kindsLoaded);
        emit app_->window->openProjectRequested(QString::fromStdString(projectFolder().string()));
        QVERIFY(kinds.wait(10000));
        QCOMPARE(model()->rowCount(), 4);
    }

    void cleanup() {
        app_.reset();
        dir_.reset();
    }

    void toolKeysSwitchTheEditorsTool() {
        show(samples_.at(2));
        const std::pair<Qt::Key, AnnotationTool> keys[] = {
            {Qt::Key_W, AnnotationTool::Box},   {Qt::Key_P, AnnotationTool::Polygon},
            {Qt::Key_B, AnnotationTool::Brush}, {Qt::Key_E, AnnotationTool::Eraser},
            {Qt::Key_G, AnnotationTool::Fill},  {Qt::Key_V, AnnotationTool::Select},
            {Qt::Key_R, AnnotationTool::Box},   {Qt::Key_Escape, AnnotationTool::Select},
        };
        for (const auto& [key, tool] : keys) {
            QTest::keyClick(window(), key);
            QCOMPARE(editor()->tool(), tool);
            QVERIFY(actions()->toolAction(int(tool))->isChecked());
        }
        // The Training tab takes the keys back.
        app_->window->showTraining();
        QVERIFY(!actions()->toolAction(int(AnnotationTool::Box))->isEnabled());
        app_->window->showSamples();
        QVERIFY(actions()->toolAction(int(AnnotationTool::Box))->isEnabled());
    }

    // New shapes take the class chosen in the class panel, as the panel's list changes.
    void theClassChosenInThePanelIsTheClassOfNewShapes() {
        show(samples_.at(2));
        auto* list = app_->window->classPanel()->findChild<QListWidget*>("classList");
        QVERIFY(list);
        QCOMPARE(list->count(), 2);
        for (int row : {1, 0, 1}) {
            list->setCurrentRow(row);
            QCOMPARE(editor()->currentClass(), app_->window->classPanel()->currentClass());
            QVERIFY(editor()->currentClass() != 0);
        }
        QCOMPARE(editor()->currentClass(), classId("scratch"));
    }

    // Merging a class moves its shapes: the store's, the editor's and the class panel's
    // counts; undo gives them their class back.
    void mergingAClassMovesItsShapesAndUndoGivesThemBack() {
        const std::int64_t sample = samples_.at(2);
        const std::int64_t scratch = classId("scratch");
        const std::int64_t good = classId("good");
        show(sample);
        QSignalSpy changed(app_->annotations.get(), &AnnotationController::shapesChanged);
        QSignalSpy counted(app_->annotations.get(), &AnnotationController::classCountsChanged);
        editor()->pasteShapes({polygon(scratch)});
        QVERIFY(changed.wait(10000));
        QCOMPARE(counted.count(), 1);
        auto* list = app_->window->classPanel()->findChild<QListWidget*>("classList");
        QVERIFY(list);
        QTRY_COMPARE(list->item(1)->text(), QString("2  scratch  (2 samples · 1 shape)"));
        // A nudge moves the shape and counts nothing again.
        editor()->setSelectedIds({stored(sample).at(0).id});
        app_->window->viewer()->setFocus();
        QTest::keyClick(app_->window->viewer(), Qt::Key_Right);
        QVERIFY(changed.wait(10000));
        QCOMPARE(counted.count(), 1);

        emit app_->window->classPanel()->mergeRequested(scratch, good);
        QTRY_COMPARE_WITH_TIMEOUT(list->count(), 1, 10000);
        QCOMPARE(list->item(0)->text(), QString("1  good  (4 samples · 1 shape)"));
        QCOMPARE(stored(sample).at(0).classId, good);
        QTRY_COMPARE_WITH_TIMEOUT(editor()->shapes().at(0).classId, good, 10000);

        QTest::keyClick(window(), Qt::Key_Z, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(list->count(), 2, 10000);
        QCOMPARE(classId("scratch"), scratch);
        QCOMPARE(stored(sample).at(0).classId, scratch);
        QTRY_COMPARE_WITH_TIMEOUT(editor()->shapes().at(0).classId, scratch, 10000);
        QTRY_COMPARE(list->item(1)->text(), QString("2  scratch  (2 samples · 1 shape)"));
    }

    // A box drawn, duplicated, deleted; then undo and redo walk the file back and forth, ids
    // included, on the one undo stack labels use too.
    void editsUndoAndRedoRoundTripThroughTheStore() {
        // The status bar counts the samples with shapes beside the labelled ones.
        const auto* counts = app_->window->findChild<QLabel*>("statusCounts");
        QVERIFY(counts);
        QCOMPARE(counts->text(),
                 QString("4 samples · 4 labelled · 0 unlabelled · 0 unreadable · 2 with shapes"));
        const std::int64_t sample = samples_.at(2);
        show(sample);
        QSignalSpy changed(app_->annotations.get(), &AnnotationController::shapesChanged);
        editor()->pasteShapes({box(5, 5, 12, 9)});
        QVERIFY(changed.wait(10000));
        QTRY_VERIFY(counts->text().endsWith(" · 3 with shapes"));
        std::vector<Shape> shapes = stored(sample);
        QCOMPARE(shapes.size(), std::size_t{1});
        QCOMPARE(shapes[0].box, (kestrel::annotations::Box{5, 5, 12, 9}));
        const std::int64_t drawn = shapes[0].id;
        QTRY_COMPARE(editor()->shapes().size(), std::size_t{1}); // shown as stored

        editor()->setSelectedIds({drawn});
        pressAndWait(Qt::Key_D, Qt::ControlModifier);
        shapes = stored(sample);
        QCOMPARE(shapes.size(), std::size_t{2});
        const std::int64_t copy = shapes[1].id;
        QCOMPARE(shapes[1].box.x, 5 + kestrel::widgets::AnnotationEditor::kDuplicateOffset);

        editor()->setSelectedIds({drawn});
        pressAndWait(Qt::Key_Delete);
        QCOMPARE(idsOf(stored(sample)), std::vector<std::int64_t>{copy});

        QUndoStack* undo = app_->window->labelling()->undoStack();
        QCOMPARE(undo->count(), 3);
        pressAndWait(Qt::Key_Z, Qt::ControlModifier); // the delete
        QCOMPARE(idsOf(stored(sample)), (std::vector<std::int64_t>{drawn, copy}));
        pressAndWait(Qt::Key_Z, Qt::ControlModifier); // the duplicate
        QCOMPARE(idsOf(stored(sample)), std::vector<std::int64_t>{drawn});
        pressAndWait(Qt::Key_Z, Qt::ControlModifier); // the box
        QVERIFY(stored(sample).empty());
        QVERIFY(editor()->shapes().empty());
        QTRY_VERIFY(counts->text().endsWith(" · 2 with shapes"));

        pressAndWait(Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(idsOf(stored(sample)), std::vector<std::int64_t>{drawn}); // its id again
        pressAndWait(Qt::Key_Y, Qt::ControlModifier);
        QCOMPARE(idsOf(stored(sample)), (std::vector<std::int64_t>{drawn, copy}));
        pressAndWait(Qt::Key_Y, Qt::ControlModifier);
        QCOMPARE(idsOf(stored(sample)), std::vector<std::int64_t>{copy});
        QCOMPARE(model()->shapeKinds(sample), unsigned{kestrel::widgets::kBoxFlag});
    }

    // With a shape selected, a class key gives the shape its class, and the sample keeps its
    // label; with none, the key labels the sample as before. Undo takes back the last one.
    void classKeysGoToTheSelectedShapeElseToTheSample() {
        const std::int64_t sample = samples_.at(0);
        show(sample);
        const std::int64_t labelBefore = model()->sample(sample)->classId;
        const std::int64_t shape = stored(sample).at(0).id;
        editor()->setSelectedIds({shape});
        pressAndWait(Qt::Key_2);
        QCOMPARE(stored(sample).at(0).classId, classId("scratch"));
        QCOMPARE(model()->sample(sample)->classId, labelBefore);

        editor()->clearSelection();
        QSignalSpy labels(app_->controller.get(), &ProjectController::labelsChanged);
        QTest::keyClick(window(), Qt::Key_2);
        QVERIFY(labels.wait(10000));
        QCOMPARE(model()->sample(sample)->classId, classId("scratch"));

        // Ctrl+Z undoes the label (the last edit), then the shape's class.
        QTest::keyClick(window(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(labels.wait(10000));
        QCOMPARE(model()->sample(sample)->classId, labelBefore);
        QCOMPARE(stored(sample).at(0).classId, classId("scratch"));
        pressAndWait(Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(stored(sample).at(0).classId, std::int64_t{0});
    }

    void copiesThePreviousSamplesShapes() {
        // The second sample follows the first, whose box it gets (with a new id).
        const std::int64_t target = samples_.at(1);
        show(target);
        pressAndWait(Qt::Key_V, Qt::ControlModifier | Qt::ShiftModifier);
        const std::vector<Shape> shapes = stored(target);
        QCOMPARE(shapes.size(), std::size_t{2});
        QCOMPARE(shapes[0].kind, ShapeKind::Polygon);
        QCOMPARE(shapes[1].kind, ShapeKind::Box);
        QCOMPARE(shapes[1].box, (kestrel::annotations::Box{4, 4, 10, 8}));
        QVERIFY(shapes[1].id != stored(samples_.at(0)).at(0).id);
        pressAndWait(Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(stored(target).size(), std::size_t{1});
    }

    void showFiltersListSamplesByTheirShapes() {
        auto* show = app_->window->findChild<QComboBox*>("showFilter");
        QVERIFY(show);
        auto listed = [&](SampleFilter::Show what) {
            show->setCurrentIndex(show->findData(int(what)));
            emit show->activated(show->currentIndex());
            std::vector<std::int64_t> ids;
            for (int row = 0; row < model()->rowCount(); ++row) {
                ids.push_back(model()->sampleAt(row)->id);
            }
            return ids;
        };
        QCOMPARE(listed(SampleFilter::Show::HasBoxes), std::vector<std::int64_t>{samples_.at(0)});
        QCOMPARE(listed(SampleFilter::Show::HasPolygons),
                 std::vector<std::int64_t>{samples_.at(1)});
        QVERIFY(listed(SampleFilter::Show::HasMasks).empty());
        QCOMPARE(listed(SampleFilter::Show::NoShapes),
                 (std::vector<std::int64_t>{samples_.at(2), samples_.at(3)}));
        QCOMPARE(listed(SampleFilter::Show::All).size(), std::size_t{4});
    }

    // The grid asks for the outlines of what it draws, and gets them in [0, 1] coordinates.
    void thumbnailsGetTheirSamplesOutlines() {
        const std::int64_t sample = samples_.at(0);
        QSignalSpy wanted(model(), &kestrel::widgets::SampleModel::shapesWanted);
        if (!model()->shapeOutlines(sample)) {
            QTRY_VERIFY_WITH_TIMEOUT(model()->shapeOutlines(sample) != nullptr, 10000);
        }
        const auto& outlines = *model()->shapeOutlines(sample);
        QCOMPARE(outlines.size(), std::size_t{1});
        QCOMPARE(outlines[0].kind, ShapeKind::Box);
        QCOMPARE(outlines[0].bounds, QRectF(4.0 / 48, 4.0 / 32, 10.0 / 48, 8.0 / 32));
        QVERIFY(model()->shapeOutlines(samples_.at(2)) == nullptr); // no shapes, nothing asked
    }

    void exportsTheDatasetFromTheWindow() {
        app_->window->openExportDialog();
        auto* dialog = app_->window->exportDialog();
        QVERIFY(dialog);
        const std::filesystem::path out = *dir_ / "exported";
        dialog->setFolder(QString::fromStdString(out.string()));
        dialog->setFormat("coco");
        QSignalSpy finished(app_->exports.get(),
                            &kestrel::app::DatasetExportController::exportFinished);
        QTest::mouseClick(dialog->findChild<QPushButton*>("exportButton"), Qt::LeftButton);
        QVERIFY(finished.wait(30000));
        QVERIFY(std::filesystem::exists(out / "instances.json") ||
                std::filesystem::exists(out / "instances_train.json"));
        QVERIFY(!dialog->isRunning());
    }
};

QTEST_MAIN(AnnotationActionsTest)
#include "annotation_actions_test.moc"
