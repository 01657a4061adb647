#pragma once

namespace kestrel::widgets {
class MainWindow;
}

namespace kestrel::app {

class ProjectController;
class ReviewController;
class SaliencyService;

// Grad-CAM in the image viewer: the review's run (the newest with predictions) explains the
// shown image when the viewer's Grad-CAM button is on (Ctrl+G), computed by the saliency
// service on its worker; the map arrives over the image with the viewer's opacity.
void wireSaliency(widgets::MainWindow& window, ProjectController& projects,
                  ReviewController& review, SaliencyService& saliency);

} // namespace kestrel::app
