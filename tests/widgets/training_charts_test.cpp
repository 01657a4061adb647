// The training charts fed the way a training run feeds them: batches of batch points several
// times an epoch, then the epoch's points, for one run or several at once.
#include "training_charts.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include <QApplication>
#include <QImage>
#include <QMenu>
#include <QPixmap>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>
#include <QWheelEvent>
#include <qcustomplot.h>

using kestrel::widgets::TrainingCharts;

namespace {

constexpr int kEpochs = 3;
constexpr int kBatchesPerEpoch = 40;
constexpr int kBatchesPerAppend = 8;

double batchLoss(double epoch) {
    return 2.0 * std::exp(-epoch) + 0.05 * std::sin(epoch * 37.0);
}

QVector<double> keysOf(const QCPGraph* graph) {
    QVector<double> keys;
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
        keys << it->key;
    }
    return keys;
}

QVector<double> valuesOf(const QCPGraph* graph) {
    QVector<double> values;
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
        values << it->value;
    }
    return values;
}

QCPItemText* emptyText(QCustomPlot* plot) {
    return plot->findChild<QCPItemText*>("emptyText");
}

} // namespace

class TrainingChartsTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TrainingCharts> charts_;
    QVector<double> fedX_; // every batch_loss point fed by feedRun, in order
    QVector<double> fedY_;

    QCustomPlot* lossPlot() const { return charts_->plot("Loss"); }

    // Three epochs of one run: batch points in appends of several, then the epoch points.
    void feedRun(std::int64_t runId, double offset = 0) {
        fedX_.clear();
        fedY_.clear();
        for (int epoch = 0; epoch < kEpochs; ++epoch) {
            for (int first = 0; first < kBatchesPerEpoch; first += kBatchesPerAppend) {
                QVector<double> x;
                QVector<double> y;
                for (int b = first; b < first + kBatchesPerAppend; ++b) {
                    x << epoch + (b + 1.0) / kBatchesPerEpoch;
                    y << batchLoss(x.back()) + offset;
                }
                charts_->appendPoints(runId, "batch_loss", x, y);
                charts_->appendPoints(runId, "lr", x, QVector<double>(x.size(), 1e-3));
                charts_->appendPoints(runId, "images_per_second", x,
                                      QVector<double>(x.size(), 850.0));
                fedX_ << x;
                fedY_ << y;
            }
            const QVector<double> at = {epoch + 1.0};
            charts_->appendPoints(runId, "train_loss", at, {batchLoss(epoch + 1.0) + offset});
            charts_->appendPoints(runId, "val_loss", at, {batchLoss(epoch + 1.0) + 0.1 + offset});
            charts_->appendPoints(runId, "train_accuracy", at, {0.6 + 0.1 * epoch});
            charts_->appendPoints(runId, "val_accuracy", at, {0.55 + 0.1 * epoch});
        }
    }

private slots:
    void init() {
        charts_ = std::make_unique<TrainingCharts>();
        charts_->resize(1200, 800);
        charts_->show();
        QVERIFY(QTest::qWaitForWindowExposed(charts_.get()));
    }

    void cleanup() { charts_.reset(); }

    void fourPlotsWaitForTheFirstPoints() {
        for (const char* title : {"Loss", "Accuracy", "Learning rate", "Images per second"}) {
            QCustomPlot* plot = charts_->plot(title);
            QVERIFY2(plot, title);
            QVERIFY(emptyText(plot)->visible());
            QVERIFY(emptyText(plot)->text().startsWith("Waiting for the first"));
        }
        QVERIFY(!charts_->plot("Confusion"));
        charts_->appendPoints(1, "batch_loss", {0.025}, {2.3});
        QVERIFY(!emptyText(lossPlot())->visible());
        QVERIFY(emptyText(charts_->plot("Accuracy"))->visible());
    }

    void batchesOverThreeEpochsReachTheGraphs() {
        feedRun(1);
        QCOMPARE(charts_->pointCount(1, "batch_loss"), kEpochs * kBatchesPerEpoch);
        QCOMPARE(charts_->pointCount(1, "lr"), kEpochs * kBatchesPerEpoch);
        QCOMPARE(charts_->pointCount(1, "val_loss"), kEpochs);
        QCOMPARE(charts_->pointCount(1, "val_accuracy"), kEpochs);
        QCPGraph* batch = charts_->graph(1, "batch_loss");
        QVERIFY(batch);
        QCOMPARE(batch->parentPlot(), lossPlot());
        QCOMPARE(keysOf(batch), fedX_);
        QCOMPARE(valuesOf(batch), fedY_);
        QCOMPARE(valuesOf(charts_->graph(1, "train_accuracy")), QVector<double>({0.6, 0.7, 0.8}));
        QCOMPARE(charts_->runs(), std::vector<std::int64_t>({1}));
    }

    void fitCoversAllData() {
        feedRun(1);
        charts_->fitAll();
        for (const char* title : {"Loss", "Accuracy", "Learning rate", "Images per second"}) {
            const QCPRange x = charts_->plot(title)->xAxis->range();
            QVERIFY2(x.lower <= fedX_.front() && x.upper >= 3.0, title);
        }
        const QCPRange y = lossPlot()->yAxis->range();
        QVERIFY(y.lower <= *std::min_element(fedY_.begin(), fedY_.end()));
        QVERIFY(y.upper >= *std::max_element(fedY_.begin(), fedY_.end()));
        const QCPRange lr = charts_->plot("Learning rate")->yAxis->range();
        QVERIFY(lr.contains(1e-3) && lr.size() > 0);
    }

    void appendsAreReplottedOncePerEventLoopPass() {
        charts_->appendPoints(1, "batch_loss", {0.1}, {2.0});
        QCoreApplication::processEvents();
        QSignalSpy replots(lossPlot(), &QCustomPlot::afterReplot);
        for (int i = 2; i < 22; ++i) {
            charts_->appendPoints(1, "batch_loss", {0.1 * i}, {2.0 / i});
        }
        QCOMPARE(replots.count(), 0);
        QCoreApplication::processEvents();
        QCOMPARE(replots.count(), 1);
    }

    void secondRunOverlaysWithItsOwnColourAndLegendEntries() {
        charts_->setRunLabel(12, "#12 resnet18");
        charts_->setRunLabel(13, "#13 mobilenet");
        feedRun(12);
        feedRun(13, 0.2);
        QCOMPARE(charts_->runs(), std::vector<std::int64_t>({12, 13}));
        QVERIFY(charts_->runColor(12).isValid());
        QVERIFY(charts_->runColor(12) != charts_->runColor(13));
        QCPGraph* first = charts_->graph(12, "val_loss");
        QCPGraph* second = charts_->graph(13, "val_loss");
        QCOMPARE(first->pen().color(), charts_->runColor(12));
        QCOMPARE(second->pen().color(), charts_->runColor(13));
        QCOMPARE(lossPlot()->graphCount(), 6); // batch, train and validation per run
        QVERIFY(lossPlot()->legend->hasItemWithPlottable(first));
        QVERIFY(lossPlot()->legend->hasItemWithPlottable(second));
        QCOMPARE(second->name(), QString("#13 mobilenet: validation"));
        QCOMPARE(charts_->graph(13, "lr")->name(), QString("#13 mobilenet"));
        QVERIFY(lossPlot()->legend->visible()); // four entries fit a 1200×800 widget's plot
    }

    void validationIsSolidTrainingDashedBatchPale() {
        feedRun(1);
        QCOMPARE(charts_->graph(1, "val_loss")->pen().style(), Qt::SolidLine);
        QCOMPARE(charts_->graph(1, "train_loss")->pen().style(), Qt::DashLine);
        QCOMPARE(charts_->graph(1, "train_accuracy")->pen().style(), Qt::DashLine);
        const QPen batch = charts_->graph(1, "batch_loss")->pen();
        QVERIFY(batch.color().alpha() < 128);
        QVERIFY(batch.widthF() < charts_->graph(1, "val_loss")->pen().widthF());
        // Per-batch noise stays out of the legend and under the epoch curves.
        QVERIFY(!lossPlot()->legend->hasItemWithPlottable(charts_->graph(1, "batch_loss")));
        QCOMPARE(charts_->graph(1, "batch_loss")->layer()->index() <
                     charts_->graph(1, "val_loss")->layer()->index(),
                 true);
    }

    void setSeriesReplaces() {
        feedRun(1);
        charts_->setSeries(1, "batch_loss", {0.5, 1.0, 1.5}, {3.0, 2.0, 1.0});
        QCOMPARE(charts_->pointCount(1, "batch_loss"), 3);
        QCOMPARE(keysOf(charts_->graph(1, "batch_loss")), QVector<double>({0.5, 1.0, 1.5}));
        QCOMPARE(valuesOf(charts_->graph(1, "batch_loss")), QVector<double>({3.0, 2.0, 1.0}));
        charts_->fitAll();
        QVERIFY(lossPlot()->yAxis->range().upper >= 3.0);
        charts_->setSeries(1, "batch_loss", {}, {});
        QVERIFY(!charts_->graph(1, "batch_loss"));
        QCOMPARE(charts_->pointCount(1, "val_loss"), kEpochs);
    }

    void removeRunRemovesOnlyThatRun() {
        feedRun(1);
        feedRun(2);
        QCOMPARE(lossPlot()->graphCount(), 6);
        QPointer<QCPGraph> removed = charts_->graph(1, "val_loss");
        charts_->removeRun(1);
        QVERIFY(removed.isNull());
        QCOMPARE(lossPlot()->graphCount(), 3);
        QCOMPARE(charts_->plot("Accuracy")->graphCount(), 2);
        QCOMPARE(charts_->pointCount(1, "batch_loss"), 0);
        QCOMPARE(charts_->pointCount(2, "batch_loss"), kEpochs * kBatchesPerEpoch);
        QCOMPARE(charts_->runs(), std::vector<std::int64_t>({2}));
        charts_->clear();
        QVERIFY(charts_->runs().empty());
        QCOMPARE(lossPlot()->graphCount(), 0);
        QVERIFY(emptyText(lossPlot())->visible());
    }

    void unknownMetricsAreIgnored() {
        charts_->appendPoints(1, "val_precision/scratch", {1.0}, {0.9});
        charts_->setSeries(1, "confusion", {1.0}, {0.9});
        QCOMPARE(charts_->pointCount(1, "val_precision/scratch"), 0);
        QVERIFY(charts_->runs().empty());
        for (const char* title : {"Loss", "Accuracy", "Learning rate", "Images per second"}) {
            QCOMPARE(charts_->plot(title)->graphCount(), 0);
        }
        QCOMPARE(TrainingCharts::knownMetrics().size(), 8);
        QVERIFY(TrainingCharts::knownMetrics().contains("images_per_second"));
        QVERIFY(TrainingCharts::knownMetrics().contains("val_miou"));
    }

    void aSegmentationRunsMeanIouTakesItsAccuraciesPlace() {
        QCustomPlot* accuracy = charts_->plot("Accuracy");
        // An epoch's metrics arrive in name order: accuracies before val_miou.
        charts_->appendPoints(1, "train_accuracy", {1.0}, {0.9});
        charts_->appendPoints(1, "val_accuracy", {1.0}, {0.95});
        QCOMPARE(charts_->accuracyTitle(), QString("Accuracy"));
        charts_->appendPoints(1, "val_miou", {1.0}, {0.4});
        QCOMPARE(charts_->pointCount(1, "val_miou"), 1);
        QCOMPARE(charts_->pointCount(1, "val_accuracy"), 0); // pixel accuracy: left out
        QCOMPARE(charts_->pointCount(1, "train_accuracy"), 0);
        QCOMPARE(accuracy->graphCount(), 1);
        QCOMPARE(charts_->accuracyTitle(), QString("Mean IoU"));
        charts_->appendPoints(1, "val_accuracy", {2.0}, {0.96}); // later epochs too
        QCOMPARE(charts_->pointCount(1, "val_accuracy"), 0);

        charts_->appendPoints(2, "val_accuracy", {1.0}, {0.8}); // a classifier beside it
        QCOMPARE(charts_->accuracyTitle(), QString("Accuracy and mean IoU"));
        charts_->removeRun(1);
        QCOMPARE(charts_->accuracyTitle(), QString("Accuracy"));
        charts_->appendPoints(1, "val_accuracy", {1.0}, {0.5}); // the id is forgotten
        QCOMPARE(charts_->pointCount(1, "val_accuracy"), 1);
    }

    void unsortedAndUnevenInputStaysConsistent() {
        charts_->appendPoints(1, "batch_loss", {0.3, 0.1, 0.2, 0.4}, {3.0, 1.0, 2.0});
        QCOMPARE(keysOf(charts_->graph(1, "batch_loss")), QVector<double>({0.1, 0.2, 0.3}));
        QCOMPARE(valuesOf(charts_->graph(1, "batch_loss")), QVector<double>({1.0, 2.0, 3.0}));
        charts_->appendPoints(1, "batch_loss", {0.5}, {qQNaN()}); // a diverged batch: a gap
        QCOMPARE(charts_->pointCount(1, "batch_loss"), 4);
        QVERIFY(std::isfinite(lossPlot()->yAxis->range().upper));
    }

    void runLabelNamesLegendEntriesAfterTheFact() {
        feedRun(7);
        QCOMPARE(charts_->graph(7, "val_loss")->name(), QString("#7: validation"));
        charts_->setRunLabel(7, "#7 resnet18");
        QCOMPARE(charts_->graph(7, "val_loss")->name(), QString("#7 resnet18: validation"));
    }

    void wheelZoomStopsFollowingAndDoubleClickFitsAgain() {
        feedRun(1);
        QVERIFY(charts_->followsData());
        const QPoint centre = lossPlot()->axisRect()->rect().center();
        QWheelEvent wheel(centre, lossPlot()->mapToGlobal(centre), QPoint(), QPoint(0, 240),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(lossPlot(), &wheel);
        QVERIFY(!charts_->followsData());
        const QCPRange zoomed = lossPlot()->xAxis->range();
        QVERIFY(zoomed.size() < 3.0);
        QCOMPARE(charts_->plot("Accuracy")->xAxis->range(), zoomed); // the x axes move together
        charts_->appendPoints(1, "batch_loss", {3.5}, {0.1});
        QCOMPARE(lossPlot()->xAxis->range(), zoomed); // no jumping away while the user looks
        QTest::mouseDClick(lossPlot(), Qt::LeftButton, {}, centre);
        QVERIFY(charts_->followsData());
        QVERIFY(lossPlot()->xAxis->range().upper >= 3.5);
    }

    void keyboardZoomsAndPans() {
        feedRun(1);
        lossPlot()->setFocus();
        const double full = lossPlot()->xAxis->range().size();
        QTest::keyClick(lossPlot(), Qt::Key_Plus);
        QVERIFY(lossPlot()->xAxis->range().size() < full);
        const double before = lossPlot()->xAxis->range().lower;
        QTest::keyClick(lossPlot(), Qt::Key_Right);
        QVERIFY(lossPlot()->xAxis->range().lower > before);
        QTest::keyClick(lossPlot(), Qt::Key_Home);
        QVERIFY(charts_->followsData());
        QCOMPARE(lossPlot()->xAxis->range().size(), full);
    }

    void logScaleLossFromTheToolbar() {
        feedRun(1);
        auto* button = charts_->findChild<QToolButton*>("logScaleLossButton");
        QVERIFY(button);
        QVERIFY(!button->toolTip().isEmpty());
        button->click();
        QVERIFY(charts_->logScaleLoss());
        QCOMPARE(lossPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
        QVERIFY(lossPlot()->yAxis->range().lower > 0);
        button->click();
        QCOMPARE(lossPlot()->yAxis->scaleType(), QCPAxis::stLinear);
    }

    void contextMenuOffersFitAndLogScale() {
        auto* menu = charts_->findChild<QMenu*>();
        QVERIFY(menu);
        QStringList texts;
        for (const QAction* action : menu->actions()) {
            texts << action->text();
        }
        QVERIFY(texts.contains("Fit all"));
        QVERIFY(texts.contains("Log scale loss"));
        QCOMPARE(lossPlot()->contextMenuPolicy(), Qt::CustomContextMenu);
    }

    void accuracyAxisShowsPercent() {
        QCustomPlot* plot = charts_->plot("Accuracy");
        const auto ticker = qSharedPointerDynamicCast<QCPAxisTickerText>(plot->yAxis->ticker());
        QVERIFY(ticker);
        QCOMPARE(ticker->ticks().value(1.0), QString("100%"));
        QVERIFY(plot->yAxis->range().contains(0.0) && plot->yAxis->range().contains(1.0));
    }

    // The legend sits under the axes, never over the curves, and only where the axes keep
    // their room; short plots label fewer ticks rather than stack them.
    void legendsStayOffTheCurvesAndShortPlotsThinTheirTicks() {
        feedRun(12);
        QCoreApplication::processEvents(); // the queued replot lays the plots out
        lossPlot()->replot();
        QVERIFY(lossPlot()->legend->visible());
        const QRect axes = lossPlot()->axisRect()->outerRect();
        const QRect legend = lossPlot()->legend->outerRect();
        QVERIFY2(!axes.intersects(legend), "the legend overlaps the axes");
        QVERIFY(legend.top() >= axes.bottom());
        QCOMPARE(lossPlot()->yAxis->ticker()->tickCount(), 5);

        charts_->resize(520, 330); // a narrow pane: each plot about 150 px tall
        QCoreApplication::processEvents();
        lossPlot()->replot();
        QVERIFY(!lossPlot()->legend->visible());
        QCOMPARE(lossPlot()->plotLayout()->rowCount(), 2); // a hidden legend takes no row
        QVERIFY(lossPlot()->yAxis->ticker()->tickCount() < 5);
        const auto percent = qSharedPointerDynamicCast<QCPAxisTickerText>(
            charts_->plot("Accuracy")->yAxis->ticker());
        QVERIFY(percent->ticks().size() < 6); // not 0, 20, ... 100 in 60 px
        QVERIFY(percent->ticks().contains(0.0) && percent->ticks().contains(1.0));
        for (const char* name : {"Loss", "Accuracy", "Learning rate", "Images per second"}) {
            const QCustomPlot* plot = charts_->plot(name);
            QVERIFY2(plot->height() >= plot->minimumHeight(), name);
        }
    }

    void hundredThousandPointsAppendAndPaint() {
        constexpr int total = 100000;
        constexpr int perAppend = 500;
        for (int first = 0; first < total; first += perAppend) {
            QVector<double> x;
            QVector<double> y;
            for (int i = first; i < first + perAppend; ++i) {
                x << i / 1000.0;
                y << batchLoss(i / 1000.0);
            }
            charts_->appendPoints(1, "batch_loss", x, y);
            charts_->appendPoints(2, "batch_loss", x, y);
        }
        QCOMPARE(charts_->pointCount(1, "batch_loss"), total);
        QCoreApplication::processEvents();
        const QImage image = charts_->grab().toImage();
        QCOMPARE(image.size(), charts_->size() * image.devicePixelRatio());
        QVERIFY(lossPlot()->xAxis->range().upper >= (total - 1) / 1000.0);
    }
};

QTEST_MAIN(TrainingChartsTest)
#include "training_charts_test.moc"
