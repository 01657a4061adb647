#pragma once

#include <cstdint>

#include <QList>
#include <QString>

namespace kestrel::widgets {

// Where the training run stands, as the live view shows it.
struct TrainingProgress {
    std::int64_t runId = 0;
    std::int64_t epoch = 0; // the epoch under way, from 0
    std::int64_t epochs = 0;
    std::int64_t batch = 0; // batches done in this epoch
    std::int64_t batchesPerEpoch = 0;
    double imagesPerSecond = 0;
    double elapsedSeconds = 0;
    double etaSeconds = -1; // < 0: not known yet
    bool paused = false;
    // An anomaly detector's fit has stages, not epochs: `stage` says what it does ("Extracting
    // features"), epoch/epochs count the stages and batch/batchesPerEpoch the stage's steps.
    QString stage;
};

// The machine's load while training, sampled about once a second.
struct ResourceReading {
    struct Gpu {
        QString name;
        double utilizationPercent = 0;
        std::int64_t memoryUsedBytes = 0;
        std::int64_t memoryTotalBytes = 0;
    };
    double processCpuPercent = 0; // 100 = one core
    int cores = 0;
    std::int64_t processRssBytes = 0;
    std::int64_t memoryUsedBytes = 0;
    std::int64_t memoryTotalBytes = 0;
    QList<Gpu> gpus;
    QString gpuNote; // why there are no GPU figures, when there are none
};

} // namespace kestrel::widgets
