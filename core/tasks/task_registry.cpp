// taskFor and monitorMetric: the one instance of each task, and the lookups every task shares.
#include "common/error.h"
#include "tasks/classification_task.h"
#include "tasks/detection_task.h"
#include "tasks/segmentation_task.h"
#include "tasks/task.h"

namespace kestrel::tasks {

const Task& taskFor(TaskKind kind) {
    static const ClassificationTask classification;
    static const SegmentationTask segmentation;
    static const DetectionTask detection;
    switch (kind) {
    case TaskKind::Classification:
        return classification;
    case TaskKind::Segmentation:
        return segmentation;
    case TaskKind::Detection:
        return detection;
    case TaskKind::Anomaly:
        break;
    }
    // Callers check isGradientTrained first; reaching here is a bug, said plainly.
    throw Error(ErrorKind::InvalidArgument,
                toString(kind) + " models are fitted, not trained by gradient descent: " +
                    "this operation does not apply to them.");
}

const MonitorMetric& monitorMetric(const Task& task, const std::string& name) {
    std::string known;
    for (const auto& metric : task.monitorMetrics()) {
        if (metric.name == name) {
            return metric;
        }
        known += (known.empty() ? "" : ", ") + metric.name;
    }
    throw Error(ErrorKind::InvalidArgument, "Unknown metric to monitor \"" + name + "\" for " +
                                                toString(task.kind()) + "; use " + known + ".");
}

} // namespace kestrel::tasks
