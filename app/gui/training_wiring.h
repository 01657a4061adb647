#pragma once

namespace kestrel::widgets {
class MainWindow;
}

namespace kestrel::app {

class ProjectController;
class ResourceMonitor;
class RunsController;
class TrainingController;

// Connects the window's Training tab to the training and runs controllers and the resource
// monitor, and a confusion matrix click to the sample browser. Shared by main() and the
// tests.
void wireTraining(widgets::MainWindow& window, ProjectController& projects,
                  TrainingController& training, RunsController& runs, ResourceMonitor& resources);

} // namespace kestrel::app
