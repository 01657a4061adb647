// Editing shapes in the viewer with real mouse and key events, headless: selecting, moving,
// resizing, vertices, nudges, hiding, the actions, the shapes row and the tool strip, and
// a thousand shapes drawn.
#include "annotation_editor_fixture.h"

using namespace annotation_test;

class AnnotationEditingTest : public EditorFixture {
    Q_OBJECT

private slots:
    void init() { setUpViewer(); }
    void cleanup() { tearDownViewer(); }

    void clickSelectsTheTopmostShapeAndShiftAdds() {
        QSignalSpy selections(editor_, &AnnotationEditor::selectionChanged);
        editor_->setSample(kSample, {boxShape(1, 10, 10, 30, 30), boxShape(2, 60, 10, 20, 20),
                                     boxShape(3, 15, 15, 10, 10)});
        click(at(20, 20)); // inside 1 and 3: 3 is on top
        QCOMPARE(editor_->selectedIds(), std::vector<std::int64_t>{3});
        click(at(35, 35)); // inside 1 only
        QCOMPARE(editor_->selectedIds(), std::vector<std::int64_t>{1});
        click(at(70, 20), Qt::ShiftModifier);
        QCOMPARE(editor_->selectedIds(), (std::vector<std::int64_t>{1, 2}));
        QCOMPARE(selections.size(), 3);
        click(at(50, 50)); // nothing there
        QVERIFY(editor_->selectedIds().empty());
        click(at(70, 20));
        QTest::keyClick(viewer_, Qt::Key_Escape);
        QVERIFY(editor_->selectedIds().empty());
    }

    void dragMovesTheSelection() {
        QSignalSpy edits(editor_, &AnnotationEditor::editRequested);
        editor_->setSample(kSample, {boxShape(1, 10, 10, 20, 20), boxShape(2, 60, 10, 20, 20)});
        click(at(20, 20));
        click(at(70, 20), Qt::ShiftModifier);
        drag(at(20, 20), at(30, 25));
        QCOMPARE(edits.size(), 1);
        const ShapeEdit edit = lastEdit(edits);
        QCOMPARE(edit.before.size(), std::size_t(2));
        QCOMPARE(edit.after.size(), std::size_t(2));
        QCOMPARE(edit.after[0].id, std::int64_t(1));
        QVERIFY(near(edit.after[0].box.x, 20) && near(edit.after[0].box.y, 15));
        QVERIFY(near(edit.after[1].box.x, 70) && near(edit.after[1].box.y, 15));
        QCOMPARE(edit.after[0].box.width, 20.0);
        // Selection stays by id when the moved shapes are written.
        commit(edit);
        QCOMPARE(editor_->selectedIds(), (std::vector<std::int64_t>{1, 2}));
    }

    void handlesResizeABox() {
        QSignalSpy edits(editor_, &AnnotationEditor::editRequested);
        editor_->setSample(kSample, {boxShape(1, 10, 10, 20, 20)});
        click(at(20, 20));
        hover(at(30, 30));
        QCOMPARE(canvas()->cursor().shape(), Qt::SizeFDiagCursor);
        drag(at(30, 30), at(45, 35)); // the bottom-right handle
        QCOMPARE(edits.size(), 1);
        QCOMPARE(lastEdit(edits).after.at(0).box, (Box{10, 10, 35, 25}));
        commit(lastEdit(edits));

        // The right edge dragged onto the left one leaves a box one pixel wide.
        drag(at(45, 22.5), at(10, 22.5));
        QCOMPARE(edits.size(), 2);
        const Box narrow = lastEdit(edits).after.at(0).box;
        QCOMPARE(narrow.width, 1.0);
        QCOMPARE(narrow.height, 25.0);
        QVERIFY(near(narrow.x, 9, 1.0));
    }

    void polygonVerticesMoveInsertAndDelete() {
        QSignalSpy edits(editor_, &AnnotationEditor::editRequested);
        QSignalSpy messages(editor_, &AnnotationEditor::statusMessage);
        editor_->setSample(kSample, {polygonShape(5, {{10, 10}, {50, 10}, {50, 50}, {10, 50}})});
        click(at(30, 30));
        QCOMPARE(editor_->selectedIds(), std::vector<std::int64_t>{5});

        drag(at(50, 10), at(60, 5)); // a vertex
        QCOMPARE(edits.size(), 1);
        std::vector<Point> points = lastEdit(edits).after.at(0).points;
        QCOMPARE(points.size(), std::size_t(4));
        QVERIFY(near(points[1].x, 60) && near(points[1].y, 5));
        QVERIFY(near(points[0].x, 10) && near(points[2].x, 50));
        commit(lastEdit(edits));

        // A double-click on an edge inserts a vertex there.
        click(at(30, 50));
        QTest::mouseDClick(canvas(), Qt::LeftButton, Qt::NoModifier, at(30, 50));
        QTest::mouseRelease(canvas(), Qt::LeftButton, Qt::NoModifier, at(30, 50));
        QCOMPARE(edits.size(), 2);
        points = lastEdit(edits).after.at(0).points;
        QCOMPARE(points.size(), std::size_t(5));
        QVERIFY(near(points[3].x, 30) && near(points[3].y, 50));
        commit(lastEdit(edits));

        // Alt-click deletes a vertex, and so does Delete over one.
        click(at(30, 50), Qt::AltModifier);
        QCOMPARE(edits.size(), 3);
        QCOMPARE(lastEdit(edits).after.at(0).points.size(), std::size_t(4));
        commit(lastEdit(edits));
        hover(at(10, 10));
        QTest::keyClick(viewer_, Qt::Key_Delete);
        QCOMPARE(edits.size(), 4);
        points = lastEdit(edits).after.at(0).points;
        QCOMPARE(points.size(), std::size_t(3));
        QVERIFY(near(points[0].x, 60) && near(points[0].y, 5)); // (10, 10) went
        commit(lastEdit(edits));
        QCOMPARE(editor_->selectedIds(), std::vector<std::int64_t>{5}); // still there

        // Never below three.
        click(at(60, 5), Qt::AltModifier);
        QCOMPARE(edits.size(), 4);
        QCOMPARE(messages.size(), 1);
    }

    void arrowKeysNudgeTheSelection() {
        QSignalSpy edits(editor_, &AnnotationEditor::editRequested);
        QSignalSpy next(viewer_, &ImageViewer::nextRequested);
        const RleMask square =
            maskOf([](int x, int y) { return x >= 5 && x < 9 && y >= 5 && y < 9; });
        editor_->setSample(kSample, {boxShape(1, 30, 30, 10, 10), maskShape(2, square)});
        QTest::keyClick(viewer_, Qt::Key_Right); // nothing selected: the next sample
        QCOMPARE(next.size(), 1);
        QCOMPARE(edits.size(), 0);

        editor_->setSelectedIds({1, 2});
        QTest::keyClick(viewer_, Qt::Key_Right);
        QCOMPARE(next.size(), 1);
        QCOMPARE(edits.size(), 1);
        ShapeEdit edit = lastEdit(edits);
        QCOMPARE(edit.after.at(0).box, (Box{31, 30, 10, 10}));
        QVERIFY(isSet(edit.after.at(1).mask, 9, 5) && !isSet(edit.after.at(1).mask, 5, 5));
        commit(edit);
        QTest::keyClick(viewer_, Qt::Key_Down, Qt::ShiftModifier);
        QCOMPARE(edits.size(), 2);
        edit = lastEdit(edits);
        QCOMPARE(edit.before.at(0).box, (Box{31, 30, 10, 10}));
        QCOMPARE(edit.after.at(0).box, (Box{31, 40, 10, 10}));
        QVERIFY(isSet(edit.after.at(1).mask, 6, 15));
    }

    void hiddenShapesAreNeitherDrawnNorHit() {
        Shape hidden = boxShape(1, 10, 10, 40, 40);
        hidden.hidden = true;
        editor_->setSample(kSample, {hidden});
        QCOMPARE(canvasPixel(30, 30), kGray);
        click(at(30, 30));
        QVERIFY(editor_->selectedIds().empty());

        // Hiding is an edit like the others, and so is showing again.
        QSignalSpy edits(editor_, &AnnotationEditor::editRequested);
        editor_->setSample(kSample, {boxShape(1, 10, 10, 40, 40)});
        QVERIFY(canvasPixel(30, 30) != kGray);
        click(at(30, 30));
        editor_->setSelectionHidden(true);
        QCOMPARE(edits.size(), 1);
        QVERIFY(lastEdit(edits).after.at(0).hidden);
        QCOMPARE(canvasPixel(30, 30), kGray); // pending: already not drawn
    }

    void selectionIsKeptAcrossTheSameSample() {
        editor_->setSample(kSample, {boxShape(1, 10, 10, 20, 20), boxShape(2, 60, 10, 20, 20)});
        editor_->setSelectedIds({2});
        editor_->setSample(kSample, {boxShape(2, 65, 10, 20, 20), boxShape(3, 10, 10, 5, 5)});
        QCOMPARE(editor_->selectedIds(), std::vector<std::int64_t>{2});
        editor_->setSample(kSample, {boxShape(3, 10, 10, 5, 5)}); // 2 deleted
        QVERIFY(editor_->selectedIds().empty());
        editor_->setSelectedIds({3});
        editor_->setSample(kSample + 1, {boxShape(3, 10, 10, 5, 5)});
        QVERIFY(editor_->selectedIds().empty());
    }

    void actionsAskForEdits() {
        QSignalSpy edits(editor_, &AnnotationEditor::editRequested);
        editor_->setSample(kSample, {boxShape(1, 10, 10, 20, 20), boxShape(2, 60, 10, 20, 20)});
        editor_->setSelectedIds({1});
        editor_->assignClassToSelection(2);
        QCOMPARE(lastEdit(edits).after.at(0).classId, std::int64_t(2));
        QCOMPARE(lastEdit(edits).before.at(0).classId, std::int64_t(1));
        editor_->setSample(kSample, {boxShape(1, 10, 10, 20, 20), boxShape(2, 60, 10, 20, 20)});

        editor_->duplicateSelection();
        ShapeEdit edit = lastEdit(edits);
        QVERIFY(edit.before.empty());
        QCOMPARE(edit.after.at(0).id, std::int64_t(0));
        QCOMPARE(edit.after.at(0).box, (Box{20, 20, 20, 20}));
        editor_->setSample(kSample, {boxShape(1, 10, 10, 20, 20), boxShape(2, 60, 10, 20, 20)});

        editor_->pasteShapes({boxShape(77, 1, 2, 3, 4)});
        edit = lastEdit(edits);
        QCOMPARE(edit.after.at(0).id, std::int64_t(0));
        QCOMPARE(edit.after.at(0).box, (Box{1, 2, 3, 4}));
        editor_->setSample(kSample, {boxShape(1, 10, 10, 20, 20), boxShape(2, 60, 10, 20, 20)});

        const qsizetype before = edits.size();
        editor_->setSelectedIds({1});
        QTest::keyClick(viewer_, Qt::Key_Delete);
        QCOMPARE(edits.size(), before + 1);
        QCOMPARE(lastEdit(edits).before.at(0).id, std::int64_t(1));
        QVERIFY(lastEdit(edits).after.empty());
        QVERIFY(editor_->selectedIds().empty());
        QCOMPARE(editor_->shapes().size(), std::size_t(2)); // committed untouched
    }

    void shapesRowControlsOpacityAndBrushSize() {
        auto* slider = viewer_->findChild<QSlider*>("shapesOpacity");
        auto* spin = viewer_->findChild<QSpinBox*>("brushSize");
        QVERIFY(slider && spin);
        slider->setValue(80);
        QCOMPARE(editor_->opacity(), 0.8);
        editor_->setOpacity(0.1);
        QCOMPARE(slider->value(), 10);
        QVERIFY(!spin->isVisible());
        editor_->setTool(AnnotationTool::Brush);
        QVERIFY(spin->isVisible());
        spin->setValue(25);
        QCOMPARE(editor_->brushSize(), 25);
        editor_->setTool(AnnotationTool::Select);
        QVERIFY(!spin->isVisible());
    }

    void toolStripSetsAndFollowsTheTool() {
        auto* strip = viewer_->findChild<QWidget*>("shapeTools");
        QVERIFY(strip && strip->isVisible());
        const QList<QToolButton*> buttons = strip->findChildren<QToolButton*>();
        QCOMPARE(buttons.size(), 6);
        const std::vector<std::pair<AnnotationTool, QString>> tools = {
            {AnnotationTool::Select, "Select (V or Esc)"}, {AnnotationTool::Box, "Box (W or R)"},
            {AnnotationTool::Polygon, "Polygon (P)"},      {AnnotationTool::Brush, "Brush (B)"},
            {AnnotationTool::Eraser, "Eraser (E)"},        {AnnotationTool::Fill, "Fill (G)"}};
        const auto buttonFor = [&](const QString& tip) -> QToolButton* {
            for (QToolButton* button : buttons) {
                if (button->toolTip() == tip) {
                    return button;
                }
            }
            return nullptr;
        };
        // Clicking a button sets the tool, and only that button stays checked.
        for (auto it = tools.rbegin(); it != tools.rend(); ++it) {
            QToolButton* button = buttonFor(it->second);
            QVERIFY2(button, qPrintable(it->second));
            QVERIFY(!button->icon().isNull());
            QTest::mouseClick(button, Qt::LeftButton);
            QCOMPARE(editor_->tool(), it->first);
            for (QToolButton* other : buttons) {
                QCOMPARE(other->isChecked(), other == button);
            }
        }
        // The editor's tool, however set, checks its button.
        for (const auto& [tool, tip] : tools) {
            editor_->setTool(tool);
            QVERIFY2(buttonFor(tip)->isChecked(), qPrintable(tip));
        }
        // The icons are drawn in the palette's text colour: a light one on a dark theme.
        QPalette dark = strip->palette();
        dark.setColor(QPalette::ButtonText, QColor(250, 250, 250));
        strip->setPalette(dark);
        const QImage icon = buttonFor("Box (W or R)")->icon().pixmap(18, 18).toImage();
        int light = 0;
        for (int y = 0; y < icon.height(); ++y) {
            for (int x = 0; x < icon.width(); ++x) {
                const QColor pixel = icon.pixelColor(x, y);
                light += pixel.alpha() > 200 && pixel.lightness() > 230 ? 1 : 0;
            }
        }
        QVERIFY(light > 10);
        // No sample, no tools.
        editor_->setSample(0, {});
        QVERIFY(!strip->isVisible());
    }

    void paintsAThousandShapes() {
        std::vector<Shape> shapes;
        for (int i = 0; i < 1000; ++i) {
            const double x = (i * 7) % 90;
            const double y = (i * 13) % 50;
            const std::int64_t id = i + 1;
            if (i % 3 == 0) {
                shapes.push_back(boxShape(id, x, y, 8, 6, 1 + i % 3));
            } else if (i % 3 == 1) {
                shapes.push_back(polygonShape(id, {{x, y}, {x + 8, y + 2}, {x + 3, y + 9}}));
            } else {
                const int mx = int(x);
                const int my = int(y);
                shapes.push_back(maskShape(id, maskOf([mx, my](int px, int py) {
                                               return px >= mx && px < mx + 5 && py >= my &&
                                                      py < my + 5;
                                           })));
            }
        }
        editor_->setSample(kSample, shapes);
        QElapsedTimer timer;
        timer.start();
        const QImage shown = canvas()->grab().toImage();
        const qint64 paintMs = timer.elapsed();
        int coloured = 0;
        for (int y = 0; y < shown.height(); y += 4) {
            for (int x = 0; x < shown.width(); x += 4) {
                const QColor pixel = shown.pixelColor(x, y);
                coloured += pixel != kGray && pixel != QColor(0x2b, 0x2b, 0x2b) ? 1 : 0;
            }
        }
        QVERIFY(coloured > 100);
        // Informational only: timings on a shared machine prove nothing here.
        editor_->setTool(AnnotationTool::Brush);
        timer.restart();
        for (int i = 0; i < 20; ++i) {
            hover(at(10 + i * 3, 30));
            canvas()->repaint();
        }
        qInfo("1000 shapes: paint %lld ms, 20 brush hovers with repaint %lld ms", paintMs,
              timer.elapsed());
        editor_->setTool(AnnotationTool::Select);
        click(at(1, 1));
        QVERIFY(!editor_->selectedIds().empty());
    }
};

QTEST_MAIN(AnnotationEditingTest)
#include "annotation_editing_test.moc"
