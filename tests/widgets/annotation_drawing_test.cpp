// The viewer's drawing tools driven with real mouse and key events on its canvas, headless:
// box, polygon, brush, eraser and fill each end in the ShapeEdit they should ask for, and
// nothing changes what is shown until the shapes come back through setSample.
#include "annotation_editor_fixture.h"

using namespace annotation_test;

class AnnotationDrawingTest : public EditorFixture {
    Q_OBJECT

private slots:
    void init() { setUpViewer(); }
    void cleanup() { tearDownViewer(); }

    void boxToolDrawsABoxInImagePixels() {
        QSignalSpy edits(editor_, &AnnotationEditor::editRequested);
        editor_->setTool(AnnotationTool::Box);
        editor_->setCurrentClass(2);
        QCOMPARE(canvas()->cursor().shape(), Qt::CrossCursor);
        drag(at(10, 20), at(50, 40));
        QCOMPARE(edits.size(), 1);
        const ShapeEdit edit = lastEdit(edits);
        QCOMPARE(edit.sampleId, kSample);
        QVERIFY(edit.before.empty());
        QCOMPARE(edit.after.size(), std::size_t(1));
        const Shape& box = edit.after.front();
        QCOMPARE(box.id, std::int64_t(0));
        QCOMPARE(box.kind, ShapeKind::Box);
        QCOMPARE(box.classId, std::int64_t(2));
        QVERIFY(near(box.box.x, 10) && near(box.box.y, 20));
        QVERIFY(near(box.box.width, 40) && near(box.box.height, 20));

        // A slip of the mouse draws nothing.
        drag(at(70, 10), at(70.5, 10.5));
        QCOMPARE(edits.size(), 1);
        // Dragged up and left, the box is the same.
        drag(at(50, 40), at(10, 20));
        QCOMPARE(edits.size(), 2);
        QCOMPARE(lastEdit(edits).after.front().box, box.box);
    }

    void pendingShapeIsShownUntilTheSampleComesBack() {
        QSignalSpy edits(editor_, &AnnotationEditor::editRequested);
        editor_->setTool(AnnotationTool::Box);
        editor_->setCurrentClass(1);
        const QColor before = canvasPixel(30, 30);
        QCOMPARE(before, kGray);
        drag(at(20, 20), at(40, 40));
        QCOMPARE(edits.size(), 1);
        QVERIFY(editor_->shapes().empty()); // nothing written yet
        QCOMPARE(editor_->shownShapes().size(), std::size_t(1));
        QVERIFY(editor_->hasPendingEdits());
        const QColor pending = canvasPixel(30, 30); // red fill over gray
        QVERIFY2(pending.red() > pending.green() + 30, qPrintable(pending.name()));

        // Written: the new box comes back with its id, and is selected.
        commit(lastEdit(edits), 42);
        QVERIFY(!editor_->hasPendingEdits());
        QCOMPARE(editor_->selectedIds(), std::vector<std::int64_t>{42});
        QCOMPARE(canvasPixel(30, 30), pending);

        // An edit that never comes back is dropped with the next shapes of the sample.
        editor_->setTool(AnnotationTool::Select);
        editor_->deleteSelection();
        QCOMPARE(edits.size(), 2);
        QVERIFY(editor_->shownShapes().empty());
        QCOMPARE(canvasPixel(30, 30), kGray);
        editor_->setSample(kSample, {boxShape(42, 20, 20, 20, 20)});
        QCOMPARE(editor_->shownShapes().size(), std::size_t(1));
        QCOMPARE(canvasPixel(30, 30), pending);
    }

    void polygonToolAddsVerticesAndCloses() {
        QSignalSpy edits(editor_, &AnnotationEditor::editRequested);
        editor_->setTool(AnnotationTool::Polygon);
        editor_->setCurrentClass(3);
        click(at(10, 10));
        click(at(40, 10));
        click(at(40, 40));
        QCOMPARE(edits.size(), 0);
        click(at(10.2, 10.2)); // on the first vertex: closes
        QCOMPARE(edits.size(), 1);
        const Shape polygon = lastEdit(edits).after.at(0);
        QCOMPARE(polygon.kind, ShapeKind::Polygon);
        QCOMPARE(polygon.classId, std::int64_t(3));
        QCOMPARE(polygon.points.size(), std::size_t(3));
        const std::vector<Point> expected{{10, 10}, {40, 10}, {40, 40}};
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QVERIFY(near(polygon.points[i].x, expected[i].x) &&
                    near(polygon.points[i].y, expected[i].y));
        }

        // Enter closes; Backspace takes the last vertex back.
        click(at(60, 10));
        click(at(90, 10));
        click(at(90, 50));
        click(at(70, 55));
        QTest::keyClick(viewer_, Qt::Key_Backspace);
        QTest::keyClick(viewer_, Qt::Key_Return);
        QCOMPARE(edits.size(), 2);
        QCOMPARE(lastEdit(edits).after.at(0).points.size(), std::size_t(3));

        // Too few vertices do not close; Escape drops the polygon.
        QSignalSpy messages(editor_, &AnnotationEditor::statusMessage);
        click(at(60, 10));
        click(at(90, 10));
        QTest::keyClick(viewer_, Qt::Key_Return);
        QCOMPARE(edits.size(), 2);
        QCOMPARE(messages.size(), 1);
        QTest::keyClick(viewer_, Qt::Key_Escape);
        click(at(60, 30));
        click(at(80, 30));
        click(at(80, 50));
        QTest::keyClick(viewer_, Qt::Key_Return);
        QCOMPARE(edits.size(), 3);
        QCOMPARE(lastEdit(edits).after.at(0).points.size(), std::size_t(3));
        QVERIFY(near(lastEdit(edits).after.at(0).points.front().x, 60));

        // A double-click closes at the vertex its first click placed.
        click(at(10, 30));
        click(at(30, 30));
        click(at(30, 50));
        QTest::mouseDClick(canvas(), Qt::LeftButton, Qt::NoModifier, at(30, 50));
        QTest::mouseRelease(canvas(), Qt::LeftButton, Qt::NoModifier, at(30, 50));
        QCOMPARE(edits.size(), 4);
        QCOMPARE(lastEdit(edits).after.at(0).points.size(), std::size_t(3));
    }

    void brushPaintsIntoANewMaskThenTheSelectedOne() {
        QSignalSpy edits(editor_, &AnnotationEditor::editRequested);
        editor_->setTool(AnnotationTool::Brush);
        editor_->setCurrentClass(3);
        editor_->setBrushSize(6);
        drag(at(20, 30), at(60, 30));
        QCOMPARE(edits.size(), 1);
        const Shape painted = lastEdit(edits).after.at(0);
        QCOMPARE(painted.kind, ShapeKind::Mask);
        QCOMPARE(painted.classId, std::int64_t(3));
        QCOMPARE(painted.mask.width, kImageWidth);
        QCOMPARE(painted.mask.height, kImageHeight);
        const std::uint64_t area = maskArea(painted.mask);
        QVERIFY(area > 0);
        QVERIFY(isSet(painted.mask, 40, 30));
        // Every painted pixel lies within the brush's reach of the stroke.
        const Box bounds = kestrel::annotations::maskBounds(painted.mask);
        QVERIFY2(bounds.x >= 16 && bounds.right() <= 64, qPrintable(QString::number(bounds.x)));
        QVERIFY(bounds.y >= 26 && bounds.bottom() <= 34);

        // Written back, the new mask is selected and the next stroke goes into it.
        commit(lastEdit(edits), 9);
        QCOMPARE(editor_->selectedIds(), std::vector<std::int64_t>{9});
        drag(at(40, 10), at(40, 50));
        QCOMPARE(edits.size(), 2);
        const ShapeEdit second = lastEdit(edits);
        QCOMPARE(second.before.at(0).id, std::int64_t(9));
        QCOMPARE(second.after.at(0).id, std::int64_t(9));
        QVERIFY(maskArea(second.after.at(0).mask) > area);
        QVERIFY(isSet(second.after.at(0).mask, 40, 12));
    }

    void brushStrokeSplicesItsPixelsIntoTheMasksRuns() {
        // A start mask whose runs wrap from one column's foot to the next one's head, painted
        // and erased across them; the spliced runs must equal a full encode of the result.
        // Large enough that the stroke's buffers start on the mask and grow out to the corner.
        constexpr int width = 400;
        constexpr int height = 300;
        const RleMask start = maskOf(
            [](int x, int y) { return (x >= 200 && x < 215 && (y < 4 || y > 295)) || x == 233; },
            width, height);
        struct Segment {
            QPointF from, to;
        };
        const std::vector<Segment> segments = {
            {{206, 2}, {218, 298}}, {{230, 1}, {236, 1}}, {{2, 150}, {399, 160}}, {{0, 0}, {0, 0}}};
        for (const bool erase : {false, true}) {
            const double diameter = erase ? 3.0 : 5.0;
            kestrel::widgets::BrushStroke stroke(start,
                                                 kestrel::widgets::pictureOfMask(start, Qt::red),
                                                 QSize(width, height), Qt::red, erase, diameter);
            std::vector<std::uint8_t> expected = kestrel::annotations::decodeMask(start);
            for (const Segment& segment : segments) {
                stroke.addSegment(segment.from, segment.to);
                for (int y = 0; y < height; ++y) {
                    for (int x = 0; x < width; ++x) {
                        if (kestrel::widgets::distanceToSegment(QPointF(x + 0.5, y + 0.5),
                                                                segment.from,
                                                                segment.to) <= diameter / 2) {
                            expected[std::size_t(y * width + x)] = erase ? 0 : 1;
                        }
                    }
                }
            }
            QVERIFY(stroke.changed());
            const RleMask want =
                kestrel::annotations::encodeMask(expected.data(), width, height, width);
            QVERIFY(!(want == start));
            QVERIFY2(stroke.result() == want, erase ? "eraser" : "brush");
            // The picture shows the same pixels, wherever it covers the image.
            const QRect covered = stroke.pictureRect();
            for (int y = 0; y < height; ++y) {
                for (int x = 0; x < width; ++x) {
                    const bool shown =
                        covered.contains(x, y) &&
                        qAlpha(stroke.picture().pixel(QPoint(x, y) - covered.topLeft())) != 0;
                    QCOMPARE(shown, expected[std::size_t(y * width + x)] != 0);
                }
            }
        }
        // A stroke on a new mask that paints nothing leaves it empty.
        kestrel::widgets::BrushStroke empty(RleMask{}, {}, QSize(width, height), Qt::red, false, 2);
        QVERIFY(!empty.changed());
        QCOMPARE(maskArea(empty.result()), std::uint64_t(0));
        QCOMPARE(empty.result().counts, std::vector<std::uint32_t>{width * height});
    }

    void eraserClearsPixelsOfTheSelectedMask() {
        QSignalSpy edits(editor_, &AnnotationEditor::editRequested);
        QSignalSpy messages(editor_, &AnnotationEditor::statusMessage);
        const RleMask block =
            maskOf([](int x, int y) { return x >= 20 && x < 60 && y >= 20 && y < 40; });
        editor_->setSample(kSample, {maskShape(4, block)});
        editor_->setTool(AnnotationTool::Eraser);
        editor_->setBrushSize(4);
        drag(at(10, 30), at(90, 30)); // nothing selected
        QCOMPARE(edits.size(), 0);
        QCOMPARE(messages.size(), 1);

        editor_->setSelectedIds({4});
        drag(at(10, 30), at(90, 30));
        QCOMPARE(edits.size(), 1);
        const ShapeEdit edit = lastEdit(edits);
        QCOMPARE(edit.before.at(0).mask, block);
        const RleMask& erased = edit.after.at(0).mask;
        QVERIFY(maskArea(erased) < maskArea(block));
        QVERIFY(!isSet(erased, 40, 30));
        QVERIFY(isSet(erased, 40, 22) && isSet(erased, 40, 38));
    }

    void fillFillsTheHoleOfARingOnly() {
        QSignalSpy edits(editor_, &AnnotationEditor::editRequested);
        QSignalSpy messages(editor_, &AnnotationEditor::statusMessage);
        const auto inRing = [](int x, int y) {
            const bool outer = x >= 20 && x < 50 && y >= 10 && y < 40;
            const bool hole = x >= 24 && x < 46 && y >= 14 && y < 36;
            return outer && !hole;
        };
        const RleMask ring = maskOf(inRing);
        editor_->setTool(AnnotationTool::Fill);
        click(at(35.5, 25.5)); // no mask selected
        QCOMPARE(edits.size(), 0);
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages.last().at(0).toString(),
                 QStringLiteral("Fill needs a selected mask with a closed outline"));

        editor_->setSample(kSample, {maskShape(6, ring)});
        editor_->setSelectedIds({6});
        click(at(35.5, 25.5));
        QCOMPARE(edits.size(), 1);
        const RleMask filled = lastEdit(edits).after.at(0).mask;
        QCOMPARE(maskArea(filled), std::uint64_t(30 * 30));
        QCOMPARE(filled,
                 maskOf([](int x, int y) { return x >= 20 && x < 50 && y >= 10 && y < 40; }));
    }
};

QTEST_MAIN(AnnotationDrawingTest)
#include "annotation_drawing_test.moc"
