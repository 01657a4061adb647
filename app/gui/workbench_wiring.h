#pragma once

namespace kestrel::widgets {
class MainWindow;
}

namespace kestrel::app {

class ImageService;
class ProjectController;

// Connects the window's requests to the controller and the image service, and their
// answers back to the window. Shared by main() and the tests so both exercise the same
// wiring.
void wireWorkbench(widgets::MainWindow& window, ProjectController& controller,
                   ImageService& images);

} // namespace kestrel::app
