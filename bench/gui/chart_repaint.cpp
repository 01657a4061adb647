// Replot cost of the training charts with long curves: two runs of 100,000 batch_loss points
// plus their epoch curves, shown at 1200×800, every plot replotted at once N times.
// Usage: chart_repaint [replots=50] [screenshot.png]; runs offscreen unless QT_QPA_PLATFORM says.
#include "training_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <QApplication>
#include <QElapsedTimer>
#include <QPixmap>
#include <qcustomplot.h>

using kestrel::widgets::TrainingCharts;

namespace {

constexpr int kBatchPoints = 100000;
constexpr int kEpochs = 50;
constexpr int kAppend = 50; // points per appendPoints, as a live run sends them

double milliseconds(const QElapsedTimer& timer) {
    return static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

// Adds each appendPoints call's time, in ms, to appends.
void feed(TrainingCharts& charts, std::int64_t run, double offset, std::vector<double>& appends) {
    const double batchesPerEpoch = static_cast<double>(kBatchPoints) / kEpochs;
    for (int first = 0; first < kBatchPoints; first += kAppend) {
        QVector<double> x;
        QVector<double> y;
        for (int i = first; i < first + kAppend; ++i) {
            const double epoch = (i + 1) / batchesPerEpoch;
            x << epoch;
            y << 2.0 * std::exp(-epoch / 8) + offset +
                     0.2 * std::sin(i * 0.7) * std::sin(i * 0.013);
        }
        QElapsedTimer timer;
        timer.start();
        charts.appendPoints(run, "batch_loss", x, y);
        appends.push_back(milliseconds(timer));
    }
    QVector<double> epochs;
    QVector<double> train;
    QVector<double> val;
    QVector<double> trainAcc;
    QVector<double> valAcc;
    QVector<double> lr;
    QVector<double> speed;
    for (int e = 1; e <= kEpochs; ++e) {
        epochs << e;
        train << 2.0 * std::exp(-e / 8.0) + offset;
        val << 2.1 * std::exp(-e / 9.0) + offset + 0.05;
        trainAcc << 1.0 - 0.5 * std::exp(-e / 6.0);
        valAcc << 0.97 - 0.5 * std::exp(-e / 7.0) - offset / 10;
        lr << 1e-3 * 0.5 * (1 + std::cos(M_PI * e / kEpochs));
        speed << 900 - 150 * offset + 20 * std::sin(e);
    }
    charts.setSeries(run, "train_loss", epochs, train);
    charts.setSeries(run, "val_loss", epochs, val);
    charts.setSeries(run, "train_accuracy", epochs, trainAcc);
    charts.setSeries(run, "val_accuracy", epochs, valAcc);
    charts.setSeries(run, "lr", epochs, lr);
    charts.setSeries(run, "images_per_second", epochs, speed);
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    const int replots = argc > 1 ? std::max(1, std::atoi(argv[1])) : 50;

    TrainingCharts charts;
    charts.resize(1200, 800);
    charts.setRunLabel(1, "#1 resnet18");
    charts.setRunLabel(2, "#2 mobilenet_v3");
    std::vector<double> appends;
    feed(charts, 1, 0.0, appends);
    feed(charts, 2, 0.3, appends);
    charts.show();
    QApplication::processEvents();
    if (argc > 2) {
        charts.grab().save(QString::fromLocal8Bit(argv[2]));
    }

    const QStringList titles = {"Loss", "Accuracy", "Learning rate", "Images per second"};
    std::vector<double> all;
    std::vector<double> loss;
    std::vector<double> grabs;
    for (int i = 0; i < replots; ++i) {
        QElapsedTimer timer;
        timer.start();
        for (const QString& title : titles) {
            QElapsedTimer one;
            one.start();
            charts.plot(title)->replot(QCustomPlot::rpImmediateRefresh);
            if (title == titles.front()) {
                loss.push_back(milliseconds(one));
            }
        }
        all.push_back(milliseconds(timer));
        timer.restart();
        const QPixmap shot = charts.grab();
        grabs.push_back(milliseconds(timer));
    }
    std::printf("%d replots of the four plots, 2 runs x %d batch_loss points, 1200x800\n", replots,
                kBatchPoints);
    std::printf("four plots: median %.2f ms, max %.2f ms\n", median(all),
                *std::max_element(all.begin(), all.end()));
    std::printf("loss plot alone: median %.2f ms, max %.2f ms\n", median(loss),
                *std::max_element(loss.begin(), loss.end()));
    std::printf("grab(): median %.2f ms, max %.2f ms\n", median(grabs),
                *std::max_element(grabs.begin(), grabs.end()));
    std::printf("appendPoints of %d points: median %.1f us, max %.1f us\n", kAppend,
                median(appends) * 1000, *std::max_element(appends.begin(), appends.end()) * 1000);
    return 0;
}
