#pragma once

namespace kestrel::widgets {
class MainWindow;
}

namespace kestrel::app {

class ProjectController;
class ReviewController;
class TrainingController;

// Connects review to the window: the browser shows the newest run's predictions and label
// audit (reloaded when a project opens, a run ends or an audit completes), a Review menu
// runs and cancels audits and lists what needs a look, and the status bar shows an audit's
// progress. Shared by main() and the tests.
void wireReview(widgets::MainWindow& window, ProjectController& projects,
                TrainingController& training, ReviewController& review);

} // namespace kestrel::app
