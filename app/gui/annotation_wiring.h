#pragma once

namespace kestrel::widgets {
class MainWindow;
}

namespace kestrel::app {

class AnnotationController;
class DatasetExportController;

// Connects the window's shapes (the viewer's editor, the browser's thumbnails and filters)
// and its export dialog to their controllers. Shared by main() and the tests.
void wireAnnotations(widgets::MainWindow& window, AnnotationController& annotations,
                     DatasetExportController& exports);

} // namespace kestrel::app
