// The viewer's heat-map overlay and its Grad-CAM row, headless: what the canvas shows at
// opacity 0 and 1 under zoom and pan, what clears it, and what the controls emit.
#include "image_viewer.h"
#include "saliency_overlay.h"

#include <cmath>
#include <memory>

#include <QSignalSpy>
#include <QSlider>
#include <QTest>
#include <QToolButton>
#include <QVBoxLayout>

using kestrel::widgets::colourHeatMap;
using kestrel::widgets::ImageViewer;

namespace {

const QColor kImageGray(100, 100, 100);

QImage grayImage(QSize size, int level) {
    QImage image(size, QImage::Format_Grayscale8);
    image.fill(QColor(level, level, level));
    return image;
}

// Hot (255) on the left half, cold (0) on the right.
QImage leftHotHeat(QSize size) {
    QImage heat = grayImage(size, 0);
    for (int y = 0; y < size.height(); ++y) {
        std::fill_n(heat.scanLine(y), size.width() / 2, uchar(255));
    }
    return heat;
}

QPoint pixelAt(const QPointF& p) {
    return QPoint(int(std::floor(p.x())), int(std::floor(p.y())));
}

} // namespace

class SaliencyOverlayTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QWidget> host_;
    ImageViewer* viewer_ = nullptr;

    QWidget* canvas() const { return viewer_->findChild<QWidget*>("imageCanvas"); }
    QToolButton* button() const { return viewer_->findChild<QToolButton*>("saliencyButton"); }
    QSlider* slider() const { return viewer_->findChild<QSlider*>("saliencyOpacity"); }
    QColor shownAt(const QPointF& imagePoint) const {
        return canvas()->grab().toImage().pixelColor(pixelAt(viewer_->imageToWidget(imagePoint)));
    }

private slots:
    void init() {
        host_ = std::make_unique<QWidget>();
        auto* layout = new QVBoxLayout(host_.get());
        layout->setContentsMargins(0, 0, 0, 0);
        viewer_ = new ImageViewer;
        layout->addWidget(viewer_);
        host_->resize(420, 300);
        host_->show();
        QVERIFY(QTest::qWaitForWindowExposed(host_.get()));
        QVERIFY(viewer_->findChild<QWidget*>("saliencyBar"));
        QVERIFY(button());
        QVERIFY(slider());
    }

    void cleanup() {
        host_.reset();
        viewer_ = nullptr;
    }

    void colourMapRunsFromDarkBlueToDarkRedThroughGreen() {
        QImage ramp(256, 1, QImage::Format_Grayscale8);
        for (int x = 0; x < 256; ++x) {
            ramp.scanLine(0)[x] = uchar(x);
        }
        const QImage coloured = colourHeatMap(ramp);
        QCOMPARE(coloured.size(), ramp.size());
        const QColor cold = coloured.pixelColor(0, 0);
        const QColor middle = coloured.pixelColor(128, 0);
        const QColor hot = coloured.pixelColor(255, 0);
        QVERIFY(cold.blue() > cold.green() && cold.value() < 80);
        QVERIFY(middle.green() > 200 && middle.green() > middle.red());
        QVERIFY(hot.red() > 100 && hot.red() > 10 * std::max(hot.green(), hot.blue()));
        QVERIFY(coloured.pixelColor(60, 0).blue() > 200); // blue comes before green
        QVERIFY(colourHeatMap(QImage()).isNull());
    }

    void overlayIsDrawnUnderZoomAndPanAtItsOpacity() {
        const QSize size(40, 20);
        viewer_->setImage(grayImage(size, kImageGray.red()));
        QVERIFY(!viewer_->hasOverlay());
        QCOMPARE(viewer_->overlayOpacity(), 0.5); // the default
        viewer_->setOverlay(leftHotHeat(size));
        QVERIFY(viewer_->hasOverlay());

        const QColor hot = colourHeatMap(grayImage({1, 1}, 255)).pixelColor(0, 0);
        const QColor cold = colourHeatMap(grayImage({1, 1}, 0)).pixelColor(0, 0);
        viewer_->setOverlayOpacity(1.0);
        QCOMPARE(shownAt({5.5, 10.5}), hot);
        QCOMPARE(shownAt({35.5, 10.5}), cold);
        viewer_->setOverlayOpacity(0.0);
        QCOMPARE(shownAt({5.5, 10.5}), kImageGray);
        viewer_->setOverlayOpacity(0.5);
        const QColor half = shownAt({5.5, 10.5});
        QVERIFY(std::abs(half.red() - (hot.red() + kImageGray.red()) / 2) <= 2);
        QVERIFY(std::abs(half.green() - (hot.green() + kImageGray.green()) / 2) <= 2);

        // Zoomed in and panned: still over the same image pixels.
        viewer_->setZoom(16.0);
        QTest::mousePress(canvas(), Qt::LeftButton, Qt::NoModifier, QPoint(200, 100));
        QTest::mouseMove(canvas(), QPoint(260, 110));
        QTest::mouseRelease(canvas(), Qt::LeftButton, Qt::NoModifier, QPoint(260, 110));
        viewer_->setOverlayOpacity(1.0);
        for (const QPointF point : {QPointF(19.2, 10.5), QPointF(20.8, 10.5)}) {
            const QPointF onCanvas = viewer_->imageToWidget(point);
            QVERIFY(QRectF(canvas()->rect()).contains(onCanvas));
            QCOMPARE(shownAt(point), point.x() < 20 ? hot : cold);
        }
    }

    void anOverlayOfAnotherSizeIsStretchedToTheImage() {
        viewer_->setImage(grayImage({40, 20}, kImageGray.red()));
        viewer_->setOverlay(leftHotHeat({8, 4}));
        viewer_->setOverlayOpacity(1.0);
        const QColor hot = colourHeatMap(grayImage({1, 1}, 255)).pixelColor(0, 0);
        QCOMPARE(shownAt({2.5, 10.5}), hot);
        QVERIFY(shownAt({37.5, 10.5}) != hot);
    }

    void aNewImageOrMessageClearsTheOverlayAndItsStatus() {
        viewer_->setImage(grayImage({40, 20}, kImageGray.red()));
        viewer_->setOverlay(leftHotHeat({40, 20}));
        viewer_->setSaliencyStatus("spot 97% — Grad-CAM for spot");
        viewer_->setOverlayOpacity(1.0);
        QVERIFY(shownAt({5.5, 10.5}) != kImageGray);

        viewer_->setImage(grayImage({40, 20}, kImageGray.red()));
        QVERIFY(!viewer_->hasOverlay());
        QVERIFY(viewer_->saliencyStatus().isEmpty());
        QCOMPARE(shownAt({5.5, 10.5}), kImageGray);

        viewer_->setOverlay(leftHotHeat({40, 20}));
        viewer_->showMessage("Loading…");
        QVERIFY(!viewer_->hasOverlay());
        viewer_->setOverlay(leftHotHeat({40, 20})); // no image: nothing to lie over
        QVERIFY(!viewer_->hasOverlay());
    }

    void aDetectorsBoxesShowFromTheSlidersScoreAndGoWithTheImage() {
        viewer_->setPredictedBoxesKind(true);
        QCOMPARE(button()->text(), QString("Predicted boxes"));
        QCOMPARE(slider()->value(), 25); // the line's score
        QVERIFY(slider()->toolTip().contains("score"));
        viewer_->setImage(grayImage({80, 60}, kImageGray.red()));
        viewer_->setPredictedBoxes({{"scratch", 0, 0.9, QRectF(10, 20, 30, 20)},
                                    {"spot", 1, 0.4, QRectF(50, 10, 10, 10)},
                                    {"spot", 1, 0.1, QRectF(60, 40, 10, 10)}});
        QCOMPARE(viewer_->shownPredictedBoxes(), 2);
        // The strong box's outline is drawn in its class's colour on its left edge (dashed:
        // some pixel of the edge), its inside is the image.
        const auto edgeInked = [this](double x, double y0, double y1) {
            const QImage shot = canvas()->grab().toImage();
            for (double y = y0; y <= y1; y += 0.25) {
                if (shot.pixelColor(pixelAt(viewer_->imageToWidget({x, y}))) != kImageGray) {
                    return true;
                }
            }
            return false;
        };
        QVERIFY(edgeInked(10.0, 25.0, 38.0));
        QCOMPARE(shownAt({25.5, 32.5}), kImageGray);
        QVERIFY(!edgeInked(60.0, 45.0, 48.0)); // 0.1: under the slider
        slider()->setValue(5);
        QCOMPARE(viewer_->shownPredictedBoxes(), 3);
        QVERIFY(edgeInked(60.0, 45.0, 48.0));
        slider()->setValue(95);
        QCOMPARE(viewer_->shownPredictedBoxes(), 0);
        QVERIFY(!edgeInked(10.0, 25.0, 38.0));
        // The boxes belonged to that image.
        viewer_->setImage(grayImage({80, 60}, kImageGray.red()));
        QVERIFY(viewer_->predictedBoxes().isEmpty());
        // Back to a classifier's run: a heat map, half opaque.
        viewer_->setPredictedBoxesKind(false);
        QCOMPARE(button()->text(), QString("Grad-CAM"));
        QCOMPARE(slider()->value(), 50);
    }

    void theSliderSetsTheOpacityAndFollowsIt() {
        QCOMPARE(slider()->minimum(), 0);
        QCOMPARE(slider()->maximum(), 100);
        QCOMPARE(slider()->value(), 50);
        QVERIFY(!slider()->toolTip().isEmpty());
        slider()->setValue(25);
        QCOMPARE(viewer_->overlayOpacity(), 0.25);
        viewer_->setOverlayOpacity(0.8);
        QCOMPARE(slider()->value(), 80);
        viewer_->setOverlayOpacity(3.0);
        QCOMPARE(viewer_->overlayOpacity(), 1.0);
    }

    void theButtonAsksForMapsAndTurningItOffClearsTheOverlay() {
        QSignalSpy requested(viewer_, &ImageViewer::saliencyRequested);
        viewer_->setImage(grayImage({40, 20}, kImageGray.red()));
        QVERIFY(button()->isEnabled());
        QVERIFY(button()->isCheckable());

        QTest::mouseClick(button(), Qt::LeftButton);
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.last().at(0).toBool(), true);
        QVERIFY(viewer_->isSaliencyOn());
        QCOMPARE(viewer_->saliencyStatus(), QString("Computing…"));

        // The next image, while on, asks again: the map is of the image shown.
        viewer_->setOverlay(leftHotHeat({40, 20}));
        viewer_->setSaliencyStatus("spot 97% — Grad-CAM for spot");
        viewer_->setImage(grayImage({40, 20}, kImageGray.red()));
        QCOMPARE(requested.size(), 2);
        QCOMPARE(requested.last().at(0).toBool(), true);
        QVERIFY(!viewer_->hasOverlay());
        QCOMPARE(viewer_->saliencyStatus(), QString("Computing…"));
        viewer_->showMessage("Loading…"); // no image: nothing to ask for
        QCOMPARE(requested.size(), 2);

        viewer_->setImage(grayImage({40, 20}, kImageGray.red()));
        viewer_->setOverlay(leftHotHeat({40, 20}));
        QTest::mouseClick(button(), Qt::LeftButton);
        QCOMPARE(requested.size(), 4);
        QCOMPARE(requested.last().at(0).toBool(), false);
        QVERIFY(!viewer_->hasOverlay());
        QVERIFY(viewer_->saliencyStatus().isEmpty());
    }

    void withoutATrainedRunTheButtonIsOffAndSaysWhy() {
        QSignalSpy requested(viewer_, &ImageViewer::saliencyRequested);
        viewer_->setImage(grayImage({40, 20}, kImageGray.red()));
        QTest::mouseClick(button(), Qt::LeftButton);
        viewer_->setOverlay(leftHotHeat({40, 20}));

        viewer_->setSaliencyAvailable(false, "Train a model first: Grad-CAM needs a trained run.");
        QVERIFY(!button()->isEnabled());
        QVERIFY(!viewer_->isSaliencyOn());
        QVERIFY(!viewer_->hasOverlay());
        QCOMPARE(button()->toolTip(),
                 QString("Train a model first: Grad-CAM needs a trained run."));
        QCOMPARE(requested.size(), 2);
        QCOMPARE(requested.last().at(0).toBool(), false);

        QTest::mouseClick(button(), Qt::LeftButton); // disabled: nothing happens
        QCOMPARE(requested.size(), 2);

        viewer_->setSaliencyAvailable(true);
        QVERIFY(button()->isEnabled());
        QVERIFY(button()->toolTip().contains("Grad-CAM"));
    }
};

QTEST_MAIN(SaliencyOverlayTest)
#include "saliency_overlay_test.moc"
