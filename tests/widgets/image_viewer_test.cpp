// The image viewer driven with real mouse, wheel and key events, headless.
#include "annotation_editor.h"
#include "image_viewer.h"

#include <cmath>
#include <memory>

#include <QAbstractButton>
#include <QApplication>
#include <QCursor>
#include <QElapsedTimer>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QShortcut>
#include <QSignalSpy>
#include <QTest>
#include <QVBoxLayout>
#include <QWheelEvent>

using kestrel::widgets::ImageViewer;

namespace {

// The viewer's parent: records the keys the viewer lets through.
class KeyRecorder : public QWidget {
public:
    QList<int> keys;

protected:
    void keyPressEvent(QKeyEvent* event) override {
        // QTest::keyClick presses modifiers as keys of their own; only the others count.
        const int key = event->key();
        if (key != Qt::Key_Control && key != Qt::Key_Shift && key != Qt::Key_Alt) {
            keys.append(key);
        }
        event->accept();
    }
};

const QColor kBackground(0x2b, 0x2b, 0x2b);

QImage filled(QSize size, QImage::Format format, QColor color) {
    QImage image(size, format);
    image.fill(color);
    return image;
}

// The canvas pixel whose area holds the point (QPointF::toPoint() would round x.5 up).
QPoint pixelAt(const QPointF& p) {
    return QPoint(int(std::floor(p.x())), int(std::floor(p.y())));
}

bool near(const QPointF& a, const QPointF& b, double tolerance = 1.0) {
    return std::abs(a.x() - b.x()) <= tolerance && std::abs(a.y() - b.y()) <= tolerance;
}

QString describe(const QPointF& p) {
    return QStringLiteral("(%1, %2)").arg(p.x()).arg(p.y());
}

} // namespace

class ImageViewerTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<KeyRecorder> host_;
    ImageViewer* viewer_ = nullptr;

    QWidget* canvas() const { return viewer_->findChild<QWidget*>("imageCanvas"); }
    QLabel* footer() const { return viewer_->findChild<QLabel*>("pixelInfo"); }

    // Resizes the window so that the canvas gets exactly this size.
    void resizeCanvas(QSize size) {
        const QSize extra = host_->size() - canvas()->size();
        host_->resize(size + extra);
        QTRY_COMPARE(canvas()->size(), size);
    }

    // Moves the (button-less) mouse over the canvas. QCursor::setPos makes no event when the
    // cursor is already there, so step aside first in that case.
    void hover(const QPointF& canvasPoint) {
        const QPoint target = pixelAt(canvasPoint);
        if (QCursor::pos() == canvas()->mapToGlobal(target)) {
            QTest::mouseMove(canvas(), target + QPoint(1, 1));
        }
        QTest::mouseMove(canvas(), target);
    }

    void wheel(const QPointF& canvasPoint, int angleDelta) {
        QWheelEvent event(canvasPoint, canvas()->mapToGlobal(canvasPoint), QPoint(),
                          QPoint(0, angleDelta), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase,
                          false);
        QApplication::sendEvent(canvas(), &event);
        QVERIFY(event.isAccepted());
    }

    QImage grabCanvas() const { return canvas()->grab().toImage(); }

private slots:
    void init() {
        host_ = std::make_unique<KeyRecorder>();
        auto* layout = new QVBoxLayout(host_.get());
        layout->setContentsMargins(0, 0, 0, 0);
        viewer_ = new ImageViewer;
        layout->addWidget(viewer_);
        host_->resize(420, 300);
        host_->show();
        QVERIFY(QTest::qWaitForWindowExposed(host_.get()));
        QVERIFY(canvas());
        QVERIFY(footer());
    }

    void cleanup() {
        host_.reset();
        viewer_ = nullptr;
    }

    void fitsAndCentresTheImage() {
        QSignalSpy zooms(viewer_, &ImageViewer::zoomChanged);
        QVERIFY(viewer_->isFitToWindow());
        viewer_->setImage(filled({200, 100}, QImage::Format_RGB888, Qt::gray));

        const QSize area = canvas()->size();
        QVERIFY(area.width() >= 400 && area.height() >= 250); // the footer takes one line
        const double expected = std::min(area.width() / 200.0, area.height() / 100.0);
        QCOMPARE(viewer_->zoom(), expected);
        QVERIFY(viewer_->isFitToWindow());
        QCOMPARE(zooms.size(), 1);
        QCOMPARE(zooms.last().at(0).toDouble(), expected);

        const QPointF centre =
            (viewer_->imageToWidget({0, 0}) + viewer_->imageToWidget({200, 100})) / 2;
        QVERIFY2(near(centre, QPointF(area.width() / 2.0, area.height() / 2.0)),
                 qPrintable(describe(centre)));
        QCOMPARE(footer()->text(), QString::number(std::round(expected * 100)) + '%');

        // Fit mode survives resizes and new images.
        resizeCanvas({300, 400});
        QCOMPARE(viewer_->zoom(), 1.5);
        QVERIFY(near(viewer_->imageToWidget({0, 0}), QPointF(0, 125)));
        viewer_->setImage(filled({60, 80}, QImage::Format_Grayscale8, Qt::gray));
        QCOMPARE(viewer_->zoom(), 5.0);
        QVERIFY(near(viewer_->imageToWidget({0, 0}), QPointF(0, 0)));
        QVERIFY(viewer_->isFitToWindow());
    }

    void reportsGrayPixelUnderCursor() {
        QImage image(8, 6, QImage::Format_Grayscale8);
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x) {
                image.scanLine(y)[x] = uchar(10 + y * 8 + x);
            }
        }
        viewer_->setImage(image);
        QSignalSpy hovered(viewer_, &ImageViewer::pixelHovered);

        hover(viewer_->imageToWidget({3.5, 2.5}));
        QVERIFY(!hovered.isEmpty());
        QCOMPARE(hovered.last().at(0).toPoint(), QPoint(3, 2));
        QCOMPARE(hovered.last().at(1).toString(), QString("29"));
        QVERIFY2(footer()->text().startsWith(QString::fromUtf8("x 3, y 2 · 29 · ")),
                 qPrintable(footer()->text()));

        hover(viewer_->imageToWidget({7.5, 5.5}));
        QCOMPARE(hovered.last().at(0).toPoint(), QPoint(7, 5));
        QCOMPARE(hovered.last().at(1).toString(), QString("57"));

        // The image is letterboxed: the canvas corner is background.
        QVERIFY(viewer_->widgetToImage({2, 2}).x() < 0);
        hover(QPointF(2, 2));
        QCOMPARE(hovered.last().at(0).toPoint(), QPoint(-1, -1));
        QCOMPARE(hovered.last().at(1).toString(), QString());
        QVERIFY(!footer()->text().contains("x "));
        QVERIFY(footer()->text().endsWith('%'));
    }

    void reportsColourPixelUnderCursor() {
        QImage image(5, 4, QImage::Format_RGB888);
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x) {
                image.setPixel(x, y, qRgb(x * 30, y * 40, 200 - x - y));
            }
        }
        viewer_->setImage(image);
        QSignalSpy hovered(viewer_, &ImageViewer::pixelHovered);

        hover(viewer_->imageToWidget({2.5, 1.5}));
        QVERIFY(!hovered.isEmpty());
        QCOMPARE(hovered.last().at(0).toPoint(), QPoint(2, 1));
        QCOMPARE(hovered.last().at(1).toString(), QString("R 60 G 40 B 197"));

        hover(viewer_->imageToWidget({4.5, 3.5}));
        QCOMPARE(hovered.last().at(0).toPoint(), QPoint(4, 3));
        QCOMPARE(hovered.last().at(1).toString(), QString("R 120 G 120 B 193"));

        const QPointF outside = viewer_->imageToWidget({-0.5, 1.5});
        QVERIFY(outside.x() > 0); // still on the canvas, left of the image
        hover(outside);
        QCOMPARE(hovered.last().at(0).toPoint(), QPoint(-1, -1));
        QCOMPARE(hovered.last().at(1).toString(), QString());
    }

    void wheelZoomKeepsPointUnderCursor() {
        viewer_->setImage(filled({200, 100}, QImage::Format_RGB888, Qt::gray));
        const double fit = viewer_->zoom();
        QSignalSpy zooms(viewer_, &ImageViewer::zoomChanged);

        const QPointF imagePoint(150.3, 30.7);
        const QPointF cursor = viewer_->imageToWidget(imagePoint);
        wheel(cursor, 120);
        QCOMPARE(viewer_->zoom(), fit * 1.25);
        QVERIFY(!viewer_->isFitToWindow());
        QCOMPARE(zooms.size(), 1);
        QVERIFY2(near(viewer_->imageToWidget(imagePoint), cursor),
                 qPrintable(describe(viewer_->imageToWidget(imagePoint))));

        wheel(cursor, -240);
        QVERIFY(std::abs(viewer_->zoom() - fit / 1.25) < 1e-9);
        QVERIFY(near(viewer_->imageToWidget(imagePoint), cursor));

        // Many notches in: clamped, and the point still holds.
        for (int i = 0; i < 40; ++i) {
            wheel(cursor, 120);
        }
        QCOMPARE(viewer_->zoom(), 64.0);
        QVERIFY(near(viewer_->imageToWidget(imagePoint), cursor));

        // A resize out of fit mode keeps the zoom.
        resizeCanvas({500, 320});
        QCOMPARE(viewer_->zoom(), 64.0);

        viewer_->showActualSize();
        QCOMPARE(viewer_->zoom(), 1.0);
        QVERIFY(!viewer_->isFitToWindow());
        const QPointF centre =
            (viewer_->imageToWidget({0, 0}) + viewer_->imageToWidget({200, 100})) / 2;
        QVERIFY(near(centre, QPointF(250, 160)));

        viewer_->fitToWindow();
        QVERIFY(viewer_->isFitToWindow());
        QCOMPARE(viewer_->zoom(), 2.5);
    }

    void zoomInKeepsViewCentre() {
        viewer_->setImage(filled({200, 100}, QImage::Format_RGB888, Qt::gray));
        const QPointF centre(canvas()->width() / 2.0, canvas()->height() / 2.0);
        const QPointF atCentre = viewer_->widgetToImage(centre);
        const double before = viewer_->zoom();
        viewer_->zoomIn();
        QCOMPARE(viewer_->zoom(), before * 1.25);
        QVERIFY(near(viewer_->imageToWidget(atCentre), centre));
        viewer_->zoomOut();
        viewer_->zoomOut();
        QVERIFY(std::abs(viewer_->zoom() - before / 1.25) < 1e-9);
        QVERIFY(near(viewer_->imageToWidget(atCentre), centre));
    }

    void setImageOutOfFitModeKeepsZoomAndCentres() {
        viewer_->setImage(filled({200, 100}, QImage::Format_RGB888, Qt::gray));
        viewer_->showActualSize();
        viewer_->zoomIn();
        viewer_->setImage(filled({40, 20}, QImage::Format_RGB888, Qt::gray));
        QCOMPARE(viewer_->zoom(), 1.25);
        QVERIFY(!viewer_->isFitToWindow());
        const QPointF centre =
            (viewer_->imageToWidget({0, 0}) + viewer_->imageToWidget({40, 20})) / 2;
        QVERIFY(near(centre, QPointF(canvas()->width() / 2.0, canvas()->height() / 2.0)));
    }

    void dragPansByTheDragDistance() {
        viewer_->setImage(filled({200, 100}, QImage::Format_RGB888, Qt::gray));
        viewer_->showActualSize();
        const QPointF before = viewer_->imageToWidget({50, 50});
        const QPoint start = viewer_->imageToWidget({100, 50}).toPoint();
        const QPoint moved = start + QPoint(30, -20);

        QTest::mousePress(canvas(), Qt::LeftButton, Qt::NoModifier, start);
        QTest::mouseMove(canvas(), start + QPoint(10, -5));
        QTest::mouseMove(canvas(), moved);
        QTest::mouseRelease(canvas(), Qt::LeftButton, Qt::NoModifier, moved);

        const QPointF after = viewer_->imageToWidget({50, 50});
        QVERIFY2(near(after, before + QPointF(30, -20), 0.01), qPrintable(describe(after)));
        QCOMPARE(viewer_->zoom(), 1.0);

        // A drag in fit mode leaves it: a resize must not snap the view back.
        viewer_->fitToWindow();
        QTest::mousePress(canvas(), Qt::LeftButton, Qt::NoModifier, start);
        QTest::mouseMove(canvas(), start + QPoint(-15, 0));
        QTest::mouseRelease(canvas(), Qt::LeftButton, Qt::NoModifier, start + QPoint(-15, 0));
        QVERIFY(!viewer_->isFitToWindow());
    }

    void arrowKeysRequestNeighboursAndOtherKeysPass() {
        QSignalSpy next(viewer_, &ImageViewer::nextRequested);
        QSignalSpy previous(viewer_, &ImageViewer::previousRequested);
        viewer_->setImage(filled({200, 100}, QImage::Format_RGB888, Qt::gray));
        viewer_->setFocus();
        QCOMPARE(viewer_->focusPolicy(), Qt::StrongFocus);

        QTest::keyClick(viewer_, Qt::Key_Right);
        QTest::keyClick(viewer_, Qt::Key_Down);
        QCOMPARE(next.size(), 2);
        QTest::keyClick(viewer_, Qt::Key_Left);
        QTest::keyClick(viewer_, Qt::Key_Up);
        QCOMPARE(previous.size(), 2);
        QCOMPARE(next.size(), 2);
        QVERIFY(host_->keys.isEmpty());

        // Label shortcuts and modified arrows belong to the window.
        QTest::keyClick(viewer_, Qt::Key_3);
        QTest::keyClick(viewer_, Qt::Key_Right, Qt::ControlModifier);
        QCOMPARE(host_->keys, (QList<int>{Qt::Key_3, Qt::Key_Right}));
        QCOMPARE(next.size(), 2);

        // On its own, the viewer leaves such a key unaccepted, and takes its own.
        ImageViewer alone;
        QKeyEvent three(QEvent::KeyPress, Qt::Key_3, Qt::NoModifier, "3");
        QApplication::sendEvent(&alone, &three);
        QVERIFY(!three.isAccepted());
        QKeyEvent right(QEvent::KeyPress, Qt::Key_Right, Qt::NoModifier);
        QApplication::sendEvent(&alone, &right);
        QVERIFY(right.isAccepted());

        // The viewer's own keys.
        const double fit = viewer_->zoom();
        QTest::keyClick(viewer_, Qt::Key_Plus);
        QCOMPARE(viewer_->zoom(), fit * 1.25);
        QTest::keyClick(viewer_, Qt::Key_Minus);
        QTest::keyClick(viewer_, Qt::Key_Minus);
        QVERIFY(std::abs(viewer_->zoom() - fit / 1.25) < 1e-9);
        QVERIFY(!viewer_->isFitToWindow());
        QTest::keyClick(viewer_, Qt::Key_F);
        QVERIFY(viewer_->isFitToWindow());
        QCOMPARE(viewer_->zoom(), fit);
        QCOMPARE(host_->keys.size(), 2);
    }

    void clickFocusesViewerAndWindowKeepsItsShortcuts() {
        auto* other = new QLineEdit;
        host_->layout()->addWidget(other);
        // The window's label shortcuts must fire while the viewer has focus; a window
        // shortcut on an arrow must not steal the viewer's navigation.
        QShortcut label(QKeySequence(Qt::Key_3), host_.get());
        QSignalSpy labelled(&label, &QShortcut::activated);
        QShortcut windowRight(QKeySequence(Qt::Key_Right), host_.get());
        QSignalSpy windowRights(&windowRight, &QShortcut::activated);
        QSignalSpy next(viewer_, &ImageViewer::nextRequested);
        viewer_->setImage(filled({200, 100}, QImage::Format_RGB888, Qt::gray));

        host_->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(host_.get()));
        other->setFocus();
        QTRY_VERIFY(other->hasFocus());
        QTest::mouseClick(canvas(), Qt::LeftButton, Qt::NoModifier, QPoint(10, 10));
        QTRY_VERIFY(viewer_->hasFocus());
        QVERIFY(viewer_->isFitToWindow()); // a click is not a drag

        QTest::keyClick(viewer_, Qt::Key_3);
        QCOMPARE(labelled.size(), 1);
        QTest::keyClick(viewer_, Qt::Key_Right);
        QCOMPARE(next.size(), 1);
        QCOMPARE(windowRights.size(), 0);
    }

    void rendersActualSizeAndCrispZoom() {
        const QColor fill(90, 90, 90);
        const QColor red(220, 20, 30);
        QImage image = filled({100, 60}, QImage::Format_RGB888, fill);
        image.setPixelColor(20, 15, red);

        // Canvas 400x300: fit is exactly 4, at whole-pixel offsets (0, 30).
        resizeCanvas({400, 300});
        viewer_->showActualSize();
        viewer_->setImage(image);
        QCOMPARE(viewer_->zoom(), 1.0);
        QImage shot = grabCanvas();
        QCOMPARE(shot.size(), QSize(400, 300));
        const QPoint red1 = pixelAt(viewer_->imageToWidget({20.5, 15.5}));
        QCOMPARE(shot.pixelColor(red1), red);
        QCOMPARE(shot.pixelColor(red1 + QPoint(1, 0)), fill);
        QCOMPARE(shot.pixelColor(5, 5), kBackground);

        viewer_->fitToWindow();
        QCOMPARE(viewer_->zoom(), 4.0);
        QCOMPARE(viewer_->imageToWidget({0, 0}), QPointF(0, 30));
        shot = grabCanvas();
        // Image pixel (20, 15) covers canvas pixels [80, 84) x [90, 94), and only those.
        int reds = 0;
        for (int y = 80; y < 104; ++y) {
            for (int x = 70; x < 94; ++x) {
                const bool inBlock = x >= 80 && x < 84 && y >= 90 && y < 94;
                QCOMPARE(shot.pixelColor(x, y), inBlock ? red : fill);
                reds += inBlock ? 1 : 0;
            }
        }
        QCOMPARE(reds, 16);
        QCOMPARE(shot.pixelColor(200, 10), kBackground); // the letterbox band above
    }

    void smoothsBelowActualSize() {
        // One-pixel black and white stripes at zoom 0.5: smoothing blends them to gray,
        // nearest neighbour would keep picking pure black or white.
        QImage stripes(800, 600, QImage::Format_Grayscale8);
        for (int y = 0; y < stripes.height(); ++y) {
            for (int x = 0; x < stripes.width(); ++x) {
                stripes.scanLine(y)[x] = x % 2 == 0 ? 0 : 255;
            }
        }
        resizeCanvas({400, 300});
        viewer_->setImage(stripes);
        QCOMPARE(viewer_->zoom(), 0.5);
        const QImage shot = grabCanvas();
        for (int x = 100; x < 110; ++x) {
            const int gray = qGray(shot.pixel(x, 150));
            QVERIFY2(gray > 60 && gray < 195, qPrintable(QString::number(gray)));
        }
    }

    void paintsLargeImagesAtHighZoomQuickly() {
        // 8000x6000 at zoom 64 would be a 512000x384000 bitmap if scaled whole.
        QImage large(8000, 6000, QImage::Format_Grayscale8);
        large.fill(0);
        large.scanLine(3000)[4000] = 255;
        resizeCanvas({400, 300});
        viewer_->setImage(large);
        QCOMPARE(viewer_->zoom(), 0.05);
        viewer_->setZoom(64);
        QCOMPARE(viewer_->zoom(), 64.0);
        QVERIFY(near(viewer_->imageToWidget({4000, 3000}), QPointF(200, 150)));

        QElapsedTimer timer;
        timer.start();
        QImage shot;
        for (int i = 0; i < 5; ++i) {
            shot = grabCanvas();
        }
        QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
        const QPoint white = pixelAt(viewer_->imageToWidget({4000.5, 3000.5}));
        QCOMPARE(qGray(shot.pixel(white)), 255);
        QCOMPARE(qGray(shot.pixel(white + QPoint(70, 0))), 0); // image pixel (4001, 3000)
    }

    void drawsCaptionBadgeWithContrastingText() {
        resizeCanvas({400, 300});
        const QColor fill(90, 90, 90);
        viewer_->setImage(filled({100, 60}, QImage::Format_RGB888, fill)); // at (0, 30), zoom 4
        const QPoint inPadding = pixelAt(viewer_->imageToWidget({0, 0})) + QPoint(8, 10);
        QCOMPARE(grabCanvas().pixelColor(inPadding), fill);

        const auto countBadgeText = [&](const QImage& shot, bool dark) {
            int count = 0;
            for (int y = 30; y < 70; ++y) {
                for (int x = 0; x < 150; ++x) {
                    const int gray = qGray(shot.pixel(x, y));
                    count += (dark ? gray < 40 : gray > 215) ? 1 : 0;
                }
            }
            return count;
        };

        const QColor yellow(250, 220, 0);
        viewer_->setCaption("scratch", yellow);
        QImage shot = grabCanvas();
        QCOMPARE(shot.pixelColor(inPadding), yellow);
        QVERIFY(countBadgeText(shot, true) > 10); // black text on yellow

        const QColor navy(20, 30, 120);
        viewer_->setCaption("dent", navy);
        shot = grabCanvas();
        QCOMPARE(shot.pixelColor(inPadding), navy);
        QVERIFY(countBadgeText(shot, false) > 10); // white text on navy

        viewer_->setCaption(QString(), navy);
        QCOMPARE(grabCanvas().pixelColor(inPadding), fill);
    }

    void theMapButtonIsNamedAfterTheRunsKindOfMap() {
        auto* button = viewer_->findChild<QAbstractButton*>("saliencyButton");
        QVERIFY(button != nullptr);
        QCOMPARE(button->text(), QString("Grad-CAM"));
        viewer_->setAnomalyMaps(true);
        QCOMPARE(button->text(), QString("Anomaly map"));
        viewer_->setAnomalyMaps(false);
        viewer_->setPredictedMasks(true); // a segmentation run
        QCOMPARE(button->text(), QString("Predicted mask"));
        viewer_->setSaliencyAvailable(true);
        QVERIFY(button->toolTip().contains("defect probability"));
        viewer_->setPredictedMasks(false);
        QCOMPARE(button->text(), QString("Grad-CAM"));
    }

    void bottomRowsKeepTheirTextWholeInANarrowViewer() {
        // Everything the rows under the canvas can show at once: a sample with shapes, the
        // longer heat-map name, an RGB pixel value at a four-digit position.
        viewer_->setAnomalyMaps(false);
        viewer_->setPredictedMasks(true); // "Predicted mask", the longest name
        viewer_->setSaliencyAvailable(true);
        QImage image = filled({2000, 1500}, QImage::Format_RGB888, QColor(200, 120, 255));
        viewer_->setImage(image);
        viewer_->annotations()->setSample(1, {});
        host_->resize(360, 300);
        QTRY_COMPARE(viewer_->width(), 360);
        hover(viewer_->imageToWidget({1990, 1490}));
        QVERIFY2(footer()->text().startsWith("x 19") && footer()->text().contains("R 200 G 120"),
                 qPrintable(footer()->text()));
        QVERIFY(viewer_->findChild<QWidget*>("shapesBar")->isVisible());
        viewer_->setSaliencyStatus("Computing…");

        const int canvasBottom = canvas()->mapTo(viewer_, QPoint(0, canvas()->height())).y();
        int checked = 0;
        const auto below = [&](QWidget* widget) {
            return widget->isVisible() && widget->mapTo(viewer_, QPoint(0, 0)).y() >= canvasBottom;
        };
        for (QLabel* label : viewer_->findChildren<QLabel*>()) {
            if (!below(label) || label->text().isEmpty()) {
                continue;
            }
            ++checked;
            // A label that elides its text on purpose carries all of it in its tooltip.
            const bool elidedOnPurpose = label->toolTip() == label->text();
            QVERIFY2(elidedOnPurpose || label->width() >= label->sizeHint().width(),
                     qPrintable(QStringLiteral("%1 \"%2\" is %3 px wide of %4")
                                    .arg(label->objectName(), label->text())
                                    .arg(label->width())
                                    .arg(label->sizeHint().width())));
            QVERIFY(label->mapTo(viewer_, QPoint(label->width(), 0)).x() <= viewer_->width());
        }
        for (QAbstractButton* button : viewer_->findChildren<QAbstractButton*>()) {
            if (!below(button)) {
                continue;
            }
            ++checked;
            QVERIFY2(button->width() >= button->sizeHint().width() &&
                         button->mapTo(viewer_, QPoint(button->width(), 0)).x() <= viewer_->width(),
                     qPrintable(button->text()));
        }
        QVERIFY(checked >= 4); // the footer, the status, the Shapes and heat-map buttons
    }

    void showsMessageInsteadOfImage() {
        viewer_->setImage(filled({200, 100}, QImage::Format_RGB888, Qt::white));
        QVERIFY(!footer()->text().isEmpty());
        viewer_->showMessage("No sample selected");
        QVERIFY(viewer_->image().isNull());
        QVERIFY(footer()->text().isEmpty());

        const QImage shot = grabCanvas();
        int text = 0;
        for (int y = 0; y < shot.height(); ++y) {
            for (int x = 0; x < shot.width(); ++x) {
                text += shot.pixelColor(x, y) != kBackground ? 1 : 0;
            }
        }
        QVERIFY(text > 20); // the words, and nothing of the white image
        QVERIFY(text < shot.width() * shot.height() / 10);
        QCOMPARE(shot.pixelColor(5, 5), kBackground);
        QCOMPARE(shot.pixelColor(shot.width() / 2, 5), kBackground);

        // The next image replaces the message, still fitted.
        viewer_->setImage(filled({200, 100}, QImage::Format_RGB888, Qt::white));
        QVERIFY(viewer_->isFitToWindow());
        QCOMPARE(grabCanvas().pixelColor(canvas()->width() / 2, canvas()->height() / 2),
                 QColor(Qt::white));
    }
};

QTEST_MAIN(ImageViewerTest)
#include "image_viewer_test.moc"
