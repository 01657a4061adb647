#pragma once

#include <string>
#include <vector>

namespace kestrel {

// What a model is for. Each kind has a `tasks::Task` (core/tasks/) that owns its model family,
// loss, metrics, export head and review data; this enum is the LibTorch-free name that the
// store, the CLI and the window pass around. Anomaly detection is fitted in one pass rather
// than trained by gradient descent: it has no Task and lives in core/anomaly/ (see
// isGradientTrained). Segmentation classifies every pixel; detection boxes each defect. A new
// kind is one value here and one Task (docs/ARCHITECTURE.md: "Adding a task").
enum class TaskKind { Classification, Anomaly, Segmentation, Detection };

// Whether the kind trains by gradient descent through train::Trainer and has a tasks::Task.
bool isGradientTrained(TaskKind kind);

// Every kind, in the order the CLI lists them.
const std::vector<TaskKind>& taskKinds();

// The stored name: "classification". Runs, run parameters, metadata.json and model cards
// hold it.
std::string toString(TaskKind kind);

// Throws kestrel::Error (InvalidArgument) naming `name`, where it came from (`source`, e.g.
// "--task" or a file) and the known tasks.
TaskKind parseTaskKind(const std::string& name, const std::string& source);

} // namespace kestrel
