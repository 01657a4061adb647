#pragma once

#include "predicted_box.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include <QImage>
#include <QObject>
#include <QString>
#include <QThreadPool>

namespace kestrel::app {

// Grad-CAM heat maps for the viewer, computed on one worker thread with a trained run's
// model (infer::saliencyForImage). The model is loaded lazily on the worker, from a
// project opened there only to read the run. The latest request wins: older ones not yet
// started are skipped and results that arrive after a newer request or setRun() are
// dropped, so the GUI thread never waits and never sees a stale map.
class SaliencyService : public QObject {
    Q_OBJECT
public:
    explicit SaliencyService(QObject* parent = nullptr);
    // Waits for the computation in flight (at most one); its result is dropped.
    ~SaliencyService() override;

    // The run whose best weights explain the images; runId <= 0: none (requests fail).
    // Loading happens on the worker at the next request.
    void setRun(const QString& projectFolder, std::int64_t runId);
    std::int64_t runId() const;

public slots:
    void request(std::int64_t sampleId, const QString& imagePath);

signals:
    // `heat`: the Grad-CAM map of the predicted class at the image's own size, already in
    // Turbo colours (widgets::colourHeatMap, done on the worker). `caption`: e.g.
    // "spot 97% — Grad-CAM for spot".
    void ready(std::int64_t sampleId, const QImage& heat, const QString& caption);
    // A detector's boxes instead of a map, in the image's pixels, from the evaluation's lowest
    // score (0.05) up; `caption`: the verdict and the boxes from the line's score.
    void boxesReady(std::int64_t sampleId, const kestrel::widgets::PredictedBoxes& boxes,
                    const QString& caption);
    void failed(std::int64_t sampleId, const QString& message);

private:
    struct RunChoice {
        QString projectFolder;
        std::int64_t runId = 0;
    };
    struct LoadedRun; // the model, its options and classes; touched on the worker only

    // What one request found: a map or a detector's boxes, and their caption; or an error.
    struct Explanation {
        QImage heat;
        widgets::PredictedBoxes boxes;
        bool detector = false;
        QString caption;
        QString error;
    };

    void compute(quint64 ticket, std::int64_t sampleId, const QString& imagePath);
    void deliver(quint64 ticket, std::int64_t sampleId, const Explanation& explanation);

    QThreadPool worker_;
    std::atomic<quint64> latest_{0}; // ticket of the newest request or run change

    mutable std::mutex mutex_; // guards run_, shared with the worker
    RunChoice run_;

    std::unique_ptr<LoadedRun> loaded_;
};

} // namespace kestrel::app
