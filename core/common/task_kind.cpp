#include "common/task_kind.h"

#include "common/error.h"

namespace kestrel {

const std::vector<TaskKind>& taskKinds() {
    static const std::vector<TaskKind> kinds = {TaskKind::Classification, TaskKind::Anomaly,
                                                TaskKind::Segmentation, TaskKind::Detection};
    return kinds;
}

bool isGradientTrained(TaskKind kind) {
    return kind != TaskKind::Anomaly;
}

std::string toString(TaskKind kind) {
    switch (kind) {
    case TaskKind::Classification:
        return "classification";
    case TaskKind::Anomaly:
        return "anomaly";
    case TaskKind::Segmentation:
        return "segmentation";
    case TaskKind::Detection:
        return "detection";
    }
    return "unknown";
}

TaskKind parseTaskKind(const std::string& name, const std::string& source) {
    std::string known;
    for (const TaskKind kind : taskKinds()) {
        if (toString(kind) == name) {
            return kind;
        }
        known += (known.empty() ? "" : ", ") + toString(kind);
    }
    throw Error(ErrorKind::InvalidArgument, source + " names the task \"" + name +
                                                "\", which Kestrel does not know; the " +
                                                "known tasks are: " + known + ".");
}

} // namespace kestrel
