#pragma once

#include "confusion_data.h"
#include "training_progress.h"

#include <cstdint>

#include <QMap>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QLabel;

namespace kestrel::widgets {

class ConfusionPanel;
class ProgressStrip;
class TrainingCharts;

// The run being trained, live: its progress with an estimate of the time left, the
// machine's load, the curves and the latest validation confusion matrix.
class TrainingLiveView : public QWidget {
    Q_OBJECT
public:
    explicit TrainingLiveView(QWidget* parent = nullptr);

    TrainingCharts* charts() const { return charts_; }
    ConfusionPanel* confusion() const { return confusion_; }
    std::int64_t shownRun() const { return runId_; }

public slots:
    void startRun(qint64 runId, const QString& label, const QString& device);
    void appendBatches(qint64 runId, const QVector<double>& epochs, const QVector<double>& losses,
                       const QVector<double>& learningRates);
    void showProgress(const kestrel::widgets::TrainingProgress& progress);
    void showEpoch(qint64 runId, qint64 epoch, const QMap<QString, double>& metrics,
                   const kestrel::widgets::ConfusionData& confusion);
    void finishRun(qint64 runId, const QString& status, const QString& reason);
    void showResources(const kestrel::widgets::ResourceReading& reading);
    void setPaused(bool paused);
    // What to know about the run before its figures (an anomaly fit's notices); shown under
    // the status until the next run starts.
    void setNotices(qint64 runId, const QStringList& notices);

signals:
    // A click in the confusion matrix of run `runId`.
    void cellActivated(qint64 runId, int trueClass, int predictedClass);

private:
    QLabel* title_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* notices_ = nullptr;
    ProgressStrip* epochProgress_ = nullptr;
    ProgressStrip* runProgress_ = nullptr;
    QLabel* resources_ = nullptr;
    TrainingCharts* charts_ = nullptr;
    ConfusionPanel* confusion_ = nullptr;
    QString statusText() const;
    void showFitProgress(const TrainingProgress& progress, double done);

    std::int64_t runId_ = 0;
    QString label_;
    bool paused_ = false;
    bool fitting_ = false; // the run is an anomaly detector's fit (no curves, no pause)
};

// "1.2 GB", "640 MB": sizes for people.
QString byteText(std::int64_t bytes);

} // namespace kestrel::widgets
