// kestrel: the desktop workbench. This file only wires core (through the controller) to
// the widgets; everything else lives in the libraries.
#include "annotation_controller.h"
#include "annotation_wiring.h"
#include "common/blas_threads.h"
#include "common/build_info.h"
#include "common/log_file.h"
#include "common/version.h"
#include "dataset_export_controller.h"
#include "fatal_error.h"
#include "image_service.h"
#include "main_window.h"
#include "project_controller.h"
#include "resource_monitor.h"
#include "review_controller.h"
#include "review_wiring.h"
#include "runs_controller.h"
#include "saliency_service.h"
#include "saliency_wiring.h"
#include "task_manager.h"
#include "training_controller.h"
#include "training_form.h"
#include "training_panel.h"
#include "training_wiring.h"
#include "training_workspace.h"
#include "workbench_wiring.h"

#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <string>

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

namespace {

// For tests and documentation: once the project is shown and the thumbnails on screen have
// arrived, save a screenshot of the window and quit (exit 1 if the project could not be
// shown). Without a project, the empty window is the picture. With `awaited`, the picture
// also waits (at most as long) until it is true: the tab shown has its data.
void saveScreenshotWhenSettled(kestrel::widgets::MainWindow& window,
                               kestrel::app::ProjectController& controller,
                               kestrel::app::ImageService& images, const QString& file,
                               std::shared_ptr<bool> awaited) {
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
    QObject::connect(
        poll, &QTimer::timeout, &window, [poll, &images, shoot, awaited, waited = 0]() mutable {
            // Give the view time to ask for what it shows, then wait for the workers (at most 20
            // s).
            waited += poll->interval();
            const bool settled = images.pendingThumbnails() == 0 && (!awaited || *awaited);
            if ((waited >= 500 && settled) || waited >= 20000) {
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

// For demos and the end-to-end test: start a run from the Training tab once its settings
// have arrived, as a user pressing Start would, and (with a file) save a screenshot of the
// live view and quit when the run has ended: exit 0 when it completed.
void trainWhenReady(kestrel::widgets::MainWindow& window,
                    kestrel::app::TrainingController& training, int epochs,
                    kestrel::widgets::TaskChoice task, const QString& file) {
    using kestrel::app::TrainingController;
    using kestrel::widgets::TaskChoice;
    window.showTraining();
    auto started = std::make_shared<bool>(false);
    QObject::connect(&training, &TrainingController::choicesReady, &window,
                     [&window, epochs, task, started] {
                         if (*started) {
                             return;
                         }
                         *started = true;
                         auto* panel = window.training()->panel();
                         panel->setTask(task);
                         if (task == TaskChoice::Anomaly) { // fitted in one pass: no epochs
                             panel->start();
                             return;
                         }
                         auto* form = panel->trainingForm(task);
                         if (epochs > 0) { // 0: the defaults' own epochs
                             auto options = form->options();
                             options.epochs = epochs;
                             form->setOptions(options);
                         }
                         panel->start();
                     });
    if (file.isEmpty()) {
        return;
    }
    // Shot once everything the run recorded is in the project and the window has read its
    // figures back (the operating point comes from the stored scores).
    auto finished = std::make_shared<QString>();
    QObject::connect(&training, &TrainingController::runFinished, &window,
                     [finished](qint64, const QString& status) { *finished = status; });
    QObject::connect(
        &training, &TrainingController::runRecorded, &window, [&window, file, finished](qint64) {
            const QString status = *finished;
            QTimer::singleShot(1000, &window, [&window, file, status] {
                const bool saved = window.grab().save(file);
                if (!saved) {
                    std::fprintf(stderr, "Cannot write the screenshot %s.\n", qPrintable(file));
                }
                std::fprintf(stderr, "The run ended: %s.\n", qPrintable(status));
                QApplication::exit(saved && status == "completed" ? 0 : 1);
            });
        });
    QObject::connect(&training, &TrainingController::startFailed, &window,
                     [](const QString& message) {
                         std::fprintf(stderr, "%s\n", qPrintable(message));
                         QApplication::exit(1);
                     });
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    kestrel::keepBlasOnOneThread();
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
    const QCommandLineOption trainEpochs(
        "train",
        "Once the project is open, start a run of N epochs (0: as many as the defaults pick) "
        "from the Training tab with its default settings; with --screenshot, shoot once it "
        "has ended.",
        "N");
    parser.addOption(trainEpochs);
    const QCommandLineOption task(
        "task",
        "With --train: classification (the default), segmentation, detection, or anomaly (fit an "
        "anomaly detector on the good parts with the form's defaults; N is ignored). With "
        "--tab training: the task the Training tab shows.",
        "TASK", "classification");
    parser.addOption(task);
    const QCommandLineOption tab(
        "tab", "Show this tab once open: samples (the default), training or runs.", "TAB",
        "samples");
    parser.addOption(tab);
    const QCommandLineOption size("size", "Open the window at WIDTHxHEIGHT pixels, e.g. 1920x1080.",
                                  "WxH");
    parser.addOption(size);
    parser.process(app);
    const QString taskName = parser.value(task);
    using kestrel::widgets::TaskChoice;
    const std::map<QString, TaskChoice> taskChoices = {
        {"classification", TaskChoice::Classification},
        {"anomaly", TaskChoice::Anomaly},
        {"segmentation", TaskChoice::Segmentation},
        {"detection", TaskChoice::Detection}};
    const auto chosenTask = taskChoices.find(taskName);
    if (chosenTask == taskChoices.end()) {
        std::fprintf(stderr,
                     "--task is \"%s\"; it takes classification, segmentation, detection or "
                     "anomaly.\n",
                     qPrintable(taskName));
        return 2;
    }
    const TaskChoice taskChoice = chosenTask->second;
    const QString tabName = parser.value(tab);
    if (tabName != "samples" && tabName != "training" && tabName != "runs") {
        std::fprintf(stderr, "--tab is \"%s\"; it takes samples, training or runs.\n",
                     qPrintable(tabName));
        return 2;
    }
    QSize windowSize;
    if (parser.isSet(size)) {
        const QStringList sides = parser.value(size).split(QLatin1Char('x'));
        bool wide = false;
        bool high = false;
        if (sides.size() == 2) {
            windowSize = QSize(sides[0].toInt(&wide), sides[1].toInt(&high));
        }
        if (!wide || !high || windowSize.width() < 320 || windowSize.height() < 240) {
            std::fprintf(stderr, "--size is \"%s\"; it takes WIDTHxHEIGHT, at least 320x240.\n",
                         qPrintable(parser.value(size)));
            return 2;
        }
    }

    // The log the CLI shares: what the window did, and every error it showed.
    kestrel::logging::openLog("kestrel");
    kestrel::logging::write(
        "The window started (" + kestrel::libraryVersionsLine() + ", Qt " + qVersion() + "), " +
        (parser.positionalArguments().isEmpty()
             ? std::string("no project")
             : "project " + parser.positionalArguments().constFirst().toStdString()) +
        ".");
    kestrel::app::installFatalErrorHandler();

    kestrel::widgets::MainWindow window;
    kestrel::app::ProjectController controller;
    kestrel::app::ImageService images;
    kestrel::app::wireWorkbench(window, controller, images);
    kestrel::app::TaskManager tasks; // after the writer: its tasks submit to it
    kestrel::app::TrainingController training(controller, tasks);
    kestrel::app::RunsController runs(controller, tasks);
    kestrel::app::ResourceMonitor resources;
    kestrel::app::wireTraining(window, controller, training, runs, resources);
    kestrel::app::ReviewController review(controller, tasks);
    kestrel::app::wireReview(window, controller, training, review);
    kestrel::app::SaliencyService saliency;
    kestrel::app::wireSaliency(window, controller, review, saliency);
    kestrel::app::AnnotationController annotations(controller);
    kestrel::app::DatasetExportController exports(controller, tasks);
    kestrel::app::wireAnnotations(window, annotations, exports);

    if (!parser.positionalArguments().isEmpty()) {
        controller.openProject(parser.positionalArguments().constFirst());
    }
    window.show();
    if (windowSize.isValid()) {
        window.resize(windowSize);
    }
    if (tabName == "training") {
        window.showTraining();
        window.training()->panel()->setTask(taskChoice);
    } else if (tabName == "runs") {
        window.showTraining();
        window.training()->showRuns();
    }
    if (parser.isSet(trainEpochs)) {
        trainWhenReady(window, training, parser.value(trainEpochs).toInt(), taskChoice,
                       parser.value(screenshot));
    } else if (parser.isSet(screenshot)) {
        std::shared_ptr<bool> awaited;
        if (tabName == "training") { // the form's choices and defaults
            awaited = std::make_shared<bool>(false);
            QObject::connect(&training, &kestrel::app::TrainingController::choicesReady, &window,
                             [awaited] { *awaited = true; });
        } else if (tabName == "runs") { // the figures of the run shown
            awaited = std::make_shared<bool>(false);
            QObject::connect(&runs, &kestrel::app::RunsController::runConfusion, &window,
                             [awaited] { *awaited = true; });
        }
        saveScreenshotWhenSettled(window, controller, images, parser.value(screenshot), awaited);
    }
    try {
        const int code = QApplication::exec();
        kestrel::logging::write("The window closed.");
        return code;
    } catch (const std::exception& error) {
        kestrel::app::reportFatalError(QString::fromUtf8(error.what()));
        return 1;
    }
}
