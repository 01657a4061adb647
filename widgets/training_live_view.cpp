#include "training_live_view.h"

#include "confusion_panel.h"
#include "progress_strip.h"
#include "runs_table_model.h"
#include "training_charts.h"

#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QVBoxLayout>

namespace kestrel::widgets {

QString byteText(std::int64_t bytes) {
    const double value = static_cast<double>(bytes);
    if (value >= 1e9) {
        return QObject::tr("%1 GB").arg(value / 1e9, 0, 'f', 1);
    }
    return QObject::tr("%1 MB").arg(value / 1e6, 0, 'f', 0);
}

TrainingLiveView::TrainingLiveView(QWidget* parent) : QWidget(parent) {
    title_ = new QLabel(tr("No run yet. Choose the settings and press Start."));
    title_->setObjectName("liveTitle");
    QFont bold = title_->font();
    bold.setBold(true);
    title_->setFont(bold);
    status_ = new QLabel;
    status_->setObjectName("liveStatus");
    status_->setWordWrap(true);
    notices_ = new QLabel;
    notices_->setObjectName("liveNotices");
    notices_->setWordWrap(true);
    notices_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    notices_->hide();
    epochProgress_ = new ProgressStrip;
    epochProgress_->setObjectName("epochProgress");
    epochProgress_->setProgress(0, tr("Epoch"));
    runProgress_ = new ProgressStrip;
    runProgress_->setObjectName("runProgress");
    runProgress_->setProgress(0, tr("Run"));
    resources_ = new QLabel;
    resources_->setObjectName("resourceUsage");
    resources_->setWordWrap(true);
    charts_ = new TrainingCharts;
    charts_->setObjectName("liveCharts");
    confusion_ = new ConfusionPanel;
    confusion_->setObjectName("liveConfusion");

    // The splitter shares what the window has down to each part's own minimum (an explicit
    // smaller one would stack plots over their axis titles and cut the operating point).
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(charts_);
    split->addWidget(confusion_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title_);
    layout->addWidget(status_);
    layout->addWidget(notices_);
    layout->addWidget(epochProgress_);
    layout->addWidget(runProgress_);
    layout->addWidget(resources_);
    layout->addWidget(split, 1);

    connect(confusion_, &ConfusionPanel::cellActivated, this, [this](int trueClass, int predicted) {
        if (runId_ != 0) {
            emit cellActivated(runId_, trueClass, predicted);
        }
    });
}

void TrainingLiveView::startRun(qint64 runId, const QString& label, const QString& device) {
    if (runId != runId_) {
        charts_->clear();
        confusion_->clear();
    }
    fitting_ = false;
    charts_->show();
    notices_->clear();
    notices_->hide();
    runId_ = runId;
    label_ = label;
    charts_->setRunLabel(runId, label);
    title_->setText(tr("Run %1 on %2").arg(label, device));
    status_->setText(statusText()); // Pause may be pressed while a run is being set up
    epochProgress_->setProgress(0, tr("Starting…"));
    runProgress_->setProgress(0, QString());
}

void TrainingLiveView::appendBatches(qint64 runId, const QVector<double>& epochs,
                                     const QVector<double>& losses,
                                     const QVector<double>& learningRates) {
    charts_->appendPoints(runId, QStringLiteral("batch_loss"), epochs, losses);
    charts_->appendPoints(runId, QStringLiteral("lr"), epochs, learningRates);
}

void TrainingLiveView::showProgress(const TrainingProgress& progress) {
    if (progress.runId != runId_) {
        return;
    }
    const QLocale locale;
    const double perEpoch =
        static_cast<double>(std::max<std::int64_t>(progress.batchesPerEpoch, 1));
    const double done =
        (static_cast<double>(progress.epoch) + static_cast<double>(progress.batch) / perEpoch) /
        static_cast<double>(std::max<std::int64_t>(progress.epochs, 1));
    if (!progress.stage.isEmpty()) {
        showFitProgress(progress, done);
        return;
    }
    epochProgress_->setProgress(static_cast<double>(progress.batch) / perEpoch,
                                tr("Epoch %1 of %2 · batch %3 of %4")
                                    .arg(progress.epoch + 1)
                                    .arg(progress.epochs)
                                    .arg(progress.batch)
                                    .arg(progress.batchesPerEpoch));
    const QString eta =
        progress.etaSeconds >= 0
            ? tr("about %1 left").arg(RunsTableModel::durationText(progress.etaSeconds))
            : tr("estimating the time left");
    runProgress_->setProgress(done, tr("%1% · %2 elapsed · %3 · %4 images/s")
                                        .arg(done * 100.0, 0, 'f', 0)
                                        .arg(RunsTableModel::durationText(progress.elapsedSeconds))
                                        .arg(eta)
                                        .arg(locale.toString(progress.imagesPerSecond, 'f', 0)));
    if (status_->text() != statusText()) {
        status_->setText(statusText());
    }
}

void TrainingLiveView::showFitProgress(const TrainingProgress& progress, double done) {
    if (!fitting_) {
        // A fit has no curves: the matrix and the score histogram get the room.
        fitting_ = true;
        charts_->hide();
    }
    const double perStage =
        static_cast<double>(std::max<std::int64_t>(progress.batchesPerEpoch, 1));
    epochProgress_->setProgress(
        static_cast<double>(progress.batch) / perStage,
        tr("%1 · %2 of %3").arg(progress.stage).arg(progress.batch).arg(progress.batchesPerEpoch));
    runProgress_->setProgress(done,
                              tr("Step %1 of %2 · %3 elapsed")
                                  .arg(progress.epoch + 1)
                                  .arg(progress.epochs)
                                  .arg(RunsTableModel::durationText(progress.elapsedSeconds)));
    if (status_->text() != statusText()) {
        status_->setText(statusText());
    }
}

void TrainingLiveView::showEpoch(qint64 runId, qint64 epoch, const QMap<QString, double>& metrics,
                                 const ConfusionData& confusion) {
    if (runId != runId_) {
        return;
    }
    const QVector<double> at = {static_cast<double>(epoch + 1)};
    for (auto it = metrics.begin(); it != metrics.end(); ++it) {
        if (it.key() != QLatin1String("lr")) { // per batch already
            charts_->appendPoints(runId, it.key(), at, {it.value()});
        }
    }
    if (!confusion.isEmpty()) {
        confusion_->setMatrix(confusion);
    }
}

void TrainingLiveView::finishRun(qint64 runId, const QString& status, const QString& reason) {
    if (runId != runId_) {
        return;
    }
    QString text;
    if (status == QLatin1String("completed") && fitting_) {
        text = tr("Fitted. The histogram shows how its scores part good parts from defects; "
                  "export it from the Runs tab.");
    } else if (status == QLatin1String("completed")) {
        text = tr("Completed. Compare it with other runs or export it from the Runs tab.");
    } else if (status == QLatin1String("cancelled") && fitting_) {
        text = tr("Stopped before the model was fitted; nothing of it is kept.");
    } else if (status == QLatin1String("cancelled")) {
        text = tr("Stopped; its last checkpoint is kept and it can be resumed from the Runs tab.");
    } else {
        text = tr("Failed.");
    }
    if (!reason.isEmpty()) {
        text += QLatin1Char(' ') + reason;
    }
    status_->setText(text);
    title_->setText(tr("Run %1 (%2)").arg(label_, status));
}

void TrainingLiveView::setNotices(qint64 runId, const QStringList& notices) {
    if (runId != runId_) {
        return;
    }
    notices_->setText(notices.join(QLatin1Char('\n')));
    notices_->setVisible(!notices.isEmpty());
}

void TrainingLiveView::setPaused(bool paused) {
    paused_ = paused;
    status_->setText(statusText());
}

QString TrainingLiveView::statusText() const {
    if (fitting_) {
        return tr("Fitting on the good parts…");
    }
    return paused_ ? tr("Paused between batches; press Resume to go on.") : tr("Training…");
}

void TrainingLiveView::showResources(const ResourceReading& reading) {
    QString text = tr("CPU %1% of %2 cores · process memory %3 · machine memory %4 of %5")
                       .arg(reading.processCpuPercent, 0, 'f', 0)
                       .arg(reading.cores)
                       .arg(byteText(reading.processRssBytes))
                       .arg(byteText(reading.memoryUsedBytes))
                       .arg(byteText(reading.memoryTotalBytes));
    for (const auto& gpu : reading.gpus) {
        text += tr(" · %1: %2% busy, %3 of %4")
                    .arg(gpu.name)
                    .arg(gpu.utilizationPercent, 0, 'f', 0)
                    .arg(byteText(gpu.memoryUsedBytes))
                    .arg(byteText(gpu.memoryTotalBytes));
    }
    resources_->setText(text);
    resources_->setToolTip(reading.gpus.isEmpty() ? reading.gpuNote : QString());
}

} // namespace kestrel::widgets
