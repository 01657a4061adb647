#pragma once

#include "training_progress.h"

#include <memory>

#include <QObject>
#include <QThreadPool>

class QTimer;

namespace kestrel::monitor {
class GpuMonitor;
class SystemUsageSampler;
} // namespace kestrel::monitor

namespace kestrel::app {

// Samples CPU, memory and (through NVML, when a driver is there) GPU use about once a
// second on a thread of its own, while started.
class ResourceMonitor : public QObject {
    Q_OBJECT
public:
    explicit ResourceMonitor(QObject* parent = nullptr);
    ~ResourceMonitor() override;

public slots:
    void setRunning(bool running);

signals:
    void sampled(const kestrel::widgets::ResourceReading& reading);

private:
    void sample();

    QThreadPool worker_; // one thread: the samplers keep state between samples
    QTimer* timer_ = nullptr;
    std::shared_ptr<monitor::SystemUsageSampler> system_;
    std::shared_ptr<monitor::GpuMonitor> gpus_; // made on the worker: dlopen can be slow
    bool busy_ = false;
};

} // namespace kestrel::app
