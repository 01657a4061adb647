// kestrel: the desktop workbench. This file only wires core (through the controller) to
// the widgets; everything else lives in the libraries.
#include "common/version.h"
#include "image_service.h"
#include "main_window.h"
#include "project_controller.h"
#include "workbench_wiring.h"

#include <cstdio>

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

namespace {

// For tests and documentation: once the project is shown and the thumbnails on screen have
// arrived, save a screenshot of the window and quit (exit 1 if the project could not be
// shown). Without a project, the empty window is the picture.
void saveScreenshotWhenSettled(kestrel::widgets::MainWindow& window,
                               kestrel::app::ProjectController& controller,
                               kestrel::app::ImageService& images, const QString& file) {
    auto shoot = [&window, file](int exitCode) {
        QTimer::singleShot(300, &window, [&window, file, exitCode] {
            const bool saved = window.grab().save(file);
            if (!saved) {
                std::fprintf(stderr, "Cannot write the screenshot %s.\n", qPrintable(file));
            }
            QApplication::exit(saved ? exitCode : 1);
        });
    };
    auto* poll = new QTimer(&window);
    poll->setInterval(100);
    QObject::connect(poll, &QTimer::timeout, &window, [poll, &images, shoot, waited = 0]() mutable {
        // Give the view time to ask for what it shows, then wait for the workers (at most 20 s).
        waited += poll->interval();
        if ((waited >= 500 && images.pendingThumbnails() == 0) || waited >= 20000) {
            poll->stop();
            shoot(0);
        }
    });
    QObject::connect(&controller, &kestrel::app::ProjectController::catalogLoaded, poll,
                     qOverload<>(&QTimer::start));
    QObject::connect(&controller, &kestrel::app::ProjectController::failed, &window,
                     [shoot] { shoot(1); });
    if (!controller.isBusy()) {
        shoot(0);
    }
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("Kestrel");
    QApplication::setOrganizationName("Kestrel");
    QApplication::setApplicationVersion(QString::fromLatin1(kestrel::kestrelVersion()));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Kestrel: a workbench for vision models in defect inspection.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("project", "Project folder to open.", "[project]");
    const QCommandLineOption screenshot(
        "screenshot", "Save a screenshot of the window to FILE and quit.", "FILE");
    parser.addOption(screenshot);
    parser.process(app);

    kestrel::widgets::MainWindow window;
    kestrel::app::ProjectController controller;
    kestrel::app::ImageService images;
    kestrel::app::wireWorkbench(window, controller, images);

    if (!parser.positionalArguments().isEmpty()) {
        controller.openProject(parser.positionalArguments().constFirst());
    }
    window.show();
    if (parser.isSet(screenshot)) {
        saveScreenshotWhenSettled(window, controller, images, parser.value(screenshot));
    }
    return QApplication::exec();
}
