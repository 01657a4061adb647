#include "saliency_service.h"

#include "error_message.h"
#include "project/project.h"
#include "review/run_saliency.h"
#include "saliency_overlay.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>

#include <QMetaObject>
#include <QStringList>

#include <opencv2/core.hpp>

namespace kestrel::app {

struct SaliencyService::LoadedRun {
    QString projectFolder;
    review::RunSaliency run;
};

namespace {

// CV_32F in [0, 1] to 8-bit gray, 255 the hottest.
QImage grayHeat(const cv::Mat& heat) {
    cv::Mat levels;
    heat.convertTo(levels, CV_8U, 255.0);
    const QImage view(levels.data, levels.cols, levels.rows, static_cast<qsizetype>(levels.step),
                      QImage::Format_Grayscale8);
    return view.copy(); // owns its pixels once `levels` is gone
}

QString percent(float probability) {
    return QString::number(std::lround(probability * 100.0f)) + QLatin1Char('%');
}

// "NG: scratch 1.2%, spot 0.3% of the image — predicted mask": the verdict and each defect
// class's share of the pixels (review::RunSaliency's probabilities for a segmentation run).
QString segmentationCaption(const infer::Saliency& saliency,
                            const std::vector<std::string>& classes) {
    QStringList shares;
    for (std::size_t c = 1; c < saliency.probabilities.size() && c < classes.size(); ++c) {
        const float share = saliency.probabilities[c];
        if (share > 0) {
            shares << QStringLiteral("%1 %2%")
                          .arg(QString::fromStdString(classes[c]))
                          .arg(static_cast<double>(share) * 100.0, 0, 'f', share < 0.01f ? 2 : 1);
        }
    }
    const QString verdict = saliency.predicted == 1 ? QObject::tr("NG") : QObject::tr("OK");
    return shares.isEmpty()
               ? QObject::tr("%1: no defect pixels — predicted mask (defect probability)")
                     .arg(verdict)
               : QObject::tr("%1: %2 of the image — predicted mask (defect probability)")
                     .arg(verdict, shares.join(QStringLiteral(", ")));
}

// The boxes the viewer gets: from the evaluation's own lowest score, so that the slider can
// show the weak ones too.
constexpr double kLowestDrawnScore = 0.05;

// "NG: scratch 0.81, spot 0.40 from 0.25 — predicted boxes": the verdict and the boxes that
// make it (review::RunSaliency::detect, best first).
QString detectionCaption(const infer::DetectionPrediction& prediction,
                         const std::vector<std::string>& classes, double lineScore) {
    QStringList strong;
    for (const auto& box : prediction.boxes) {
        if (box.score >= lineScore && box.category >= 0 &&
            box.category < static_cast<int>(classes.size())) {
            strong << QStringLiteral("%1 %2")
                          .arg(QString::fromStdString(
                              classes[static_cast<std::size_t>(box.category)]))
                          .arg(box.score, 0, 'f', 2);
        }
    }
    const QString line = QString::number(lineScore, 'f', 2);
    return strong.isEmpty() ? QObject::tr("%1: no box scores %2 — predicted boxes")
                                  .arg(QString::fromStdString(prediction.verdict), line)
                            : QObject::tr("%1: %2 from %3 — predicted boxes")
                                  .arg(QString::fromStdString(prediction.verdict),
                                       strong.join(QStringLiteral(", ")), line);
}

widgets::PredictedBoxes predictedBoxes(const infer::DetectionPrediction& prediction,
                                       const std::vector<std::string>& classes) {
    widgets::PredictedBoxes boxes;
    for (const auto& box : prediction.boxes) {
        const auto index = static_cast<std::size_t>(std::max(box.category, 0));
        boxes.push_back({index < classes.size() ? QString::fromStdString(classes[index])
                                                : QString::number(box.category),
                         box.category, box.score,
                         QRectF(QPointF(box.x0, box.y0), QPointF(box.x1, box.y1))});
    }
    return boxes;
}

} // namespace

SaliencyService::SaliencyService(QObject* parent) : QObject(parent) {
    worker_.setMaxThreadCount(1);
}

SaliencyService::~SaliencyService() {
    ++latest_; // whatever is queued is skipped, and a result in flight is dropped
    worker_.clear();
    worker_.waitForDone();
}

void SaliencyService::setRun(const QString& projectFolder, std::int64_t runId) {
    {
        std::lock_guard lock(mutex_);
        run_ = {projectFolder, runId};
    }
    ++latest_; // maps of the previous run are no longer wanted
}

std::int64_t SaliencyService::runId() const {
    std::lock_guard lock(mutex_);
    return run_.runId;
}

void SaliencyService::request(std::int64_t sampleId, const QString& imagePath) {
    const quint64 ticket = ++latest_;
    worker_.start([this, ticket, sampleId, imagePath] { compute(ticket, sampleId, imagePath); });
}

void SaliencyService::compute(quint64 ticket, std::int64_t sampleId, const QString& imagePath) {
    if (ticket != latest_.load()) {
        return; // a newer request is queued behind this one
    }
    Explanation found;
    try {
        RunChoice choice;
        {
            std::lock_guard lock(mutex_);
            choice = run_;
        }
        if (choice.runId <= 0) {
            throw Error(ErrorKind::InvalidArgument, "No trained run is chosen to explain images.");
        }
        if (!loaded_ || loaded_->projectFolder != choice.projectFolder ||
            loaded_->run.runId() != choice.runId) {
            loaded_.reset(); // the old model's memory goes before the new one is read
            // Only reads: the run's parameters, its classes and best.pt. The project closes
            // again once the model is built.
            Project project = Project::open(choice.projectFolder.toStdString());
            loaded_ = std::make_unique<LoadedRun>(
                LoadedRun{choice.projectFolder, review::RunSaliency(project, choice.runId)});
        }
        const std::filesystem::path image(imagePath.toStdString());
        if (loaded_->run.isDetection()) {
            const infer::DetectionPrediction prediction =
                loaded_->run.detect(image, kLowestDrawnScore);
            found.detector = true;
            found.boxes = predictedBoxes(prediction, loaded_->run.classes());
            found.caption =
                detectionCaption(prediction, loaded_->run.classes(), loaded_->run.lineScore());
        } else {
            const infer::Saliency saliency = loaded_->run.explain(image);
            found.heat = widgets::colourHeatMap(grayHeat(saliency.heat));
            const auto name = [this](std::int64_t index) {
                return QString::fromStdString(
                    loaded_->run.classes().at(static_cast<std::size_t>(index)));
            };
            found.caption = loaded_->run.isSegmentation()
                                ? segmentationCaption(saliency, loaded_->run.classes())
                            : loaded_->run.isAnomaly()
                                ? tr("%1, anomaly score %2 — anomaly map (0.50 is the threshold)")
                                      .arg(name(saliency.predicted))
                                      .arg(static_cast<double>(saliency.confidence), 0, 'f', 2)
                                : tr("%1 %2 — Grad-CAM for %3")
                                      .arg(name(saliency.predicted), percent(saliency.confidence),
                                           name(saliency.target));
        }
    } catch (const std::exception& exception) {
        found.error = errorMessage(exception);
    }
    QMetaObject::invokeMethod(
        this, [this, ticket, sampleId, found] { deliver(ticket, sampleId, found); },
        Qt::QueuedConnection);
}

void SaliencyService::deliver(quint64 ticket, std::int64_t sampleId,
                              const Explanation& explanation) {
    if (ticket != latest_.load()) {
        return; // the viewer has moved on, or the run changed
    }
    if (!explanation.error.isEmpty()) {
        emit failed(sampleId, explanation.error);
    } else if (explanation.detector) {
        emit boxesReady(sampleId, explanation.boxes, explanation.caption);
    } else {
        emit ready(sampleId, explanation.heat, explanation.caption);
    }
}

} // namespace kestrel::app
