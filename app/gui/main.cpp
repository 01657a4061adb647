// kestrel: the desktop workbench. This file only wires core (through the controller) to
// the widgets; everything else lives in the libraries.
#include "common/version.h"
#include "main_window.h"
#include "project_controller.h"
#include "workbench_wiring.h"

#include <cstdio>

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

namespace {

// For tests and documentation: once the window has settled after loading, save a
// screenshot of it and quit (exit 1 if the project could not be shown).
void saveScreenshotWhenSettled(kestrel::widgets::MainWindow& window,
                               kestrel::app::ProjectController& controller, const QString& file) {
    auto shoot = [&window, file](int exitCode) {
        QTimer::singleShot(400, &window, [&window, file, exitCode] {
            const bool saved = window.grab().save(file);
            if (!saved) {
                std::fprintf(stderr, "Cannot write the screenshot %s.\n", qPrintable(file));
            }
            QApplication::exit(saved ? exitCode : 1);
        });
    };
    QObject::connect(&controller, &kestrel::app::ProjectController::projectOpened, &window,
                     [shoot] { shoot(0); });
    QObject::connect(&controller, &kestrel::app::ProjectController::failed, &window,
                     [shoot] { shoot(1); });
    if (!controller.isBusy()) {
        shoot(0); // no project asked for: the empty window is the picture
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
    kestrel::app::wireWorkbench(window, controller);

    if (!parser.positionalArguments().isEmpty()) {
        controller.openProject(parser.positionalArguments().constFirst());
    }
    window.show();
    if (parser.isSet(screenshot)) {
        saveScreenshotWhenSettled(window, controller, parser.value(screenshot));
    }
    return QApplication::exec();
}
