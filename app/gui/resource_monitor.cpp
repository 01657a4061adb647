#include "resource_monitor.h"

#include "monitor/gpu_monitor.h"
#include "monitor/system_usage.h"

#include <QMetaObject>
#include <QTimer>

namespace kestrel::app {

ResourceMonitor::ResourceMonitor(QObject* parent)
    : QObject(parent), timer_(new QTimer(this)),
      system_(std::make_shared<monitor::SystemUsageSampler>()) {
    worker_.setMaxThreadCount(1);
    timer_->setInterval(1000);
    connect(timer_, &QTimer::timeout, this, &ResourceMonitor::sample);
}

ResourceMonitor::~ResourceMonitor() {
    worker_.waitForDone();
}

void ResourceMonitor::setRunning(bool running) {
    if (running && !timer_->isActive()) {
        timer_->start();
        sample();
    } else if (!running) {
        timer_->stop();
    }
}

void ResourceMonitor::sample() {
    if (busy_) {
        return; // the last sample is still being taken
    }
    busy_ = true;
    worker_.start([this, system = system_, gpus = gpus_]() mutable {
        if (!gpus) {
            gpus = std::make_shared<monitor::GpuMonitor>();
        }
        const monitor::SystemUsage usage = system->sample();
        widgets::ResourceReading reading;
        reading.processCpuPercent = usage.processCpuPercent;
        reading.cores = usage.cores;
        reading.processRssBytes = usage.processRssBytes;
        reading.memoryUsedBytes = usage.systemMemoryUsedBytes;
        reading.memoryTotalBytes = usage.systemMemoryTotalBytes;
        for (const auto& gpu : gpus->sample()) {
            reading.gpus.append({QString::fromStdString(gpu.name), gpu.utilizationPercent,
                                 gpu.memoryUsedBytes, gpu.memoryTotalBytes});
        }
        reading.gpuNote = QString::fromStdString(gpus->unavailableReason());
        QMetaObject::invokeMethod(
            this,
            [this, reading, gpus] {
                gpus_ = gpus;
                busy_ = false;
                emit sampled(reading);
            },
            Qt::QueuedConnection);
    });
}

} // namespace kestrel::app
