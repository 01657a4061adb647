// GUI-thread stalls while a run trains at full speed in the window: the real window,
// controllers and wiring as main() has them, a run started with the Start button on a
// project of small images (batches arrive many times a second), and a 1 ms timer probe on
// the GUI thread. An idle phase first gives the machine's own noise. Run by hand through
// bench/training_gui_bench.sh; it prints figures, it is not a test.
#include "bench_project.h"
#include "image_service.h"
#include "main_window.h"
#include "project_controller.h"
#include "resource_monitor.h"
#include "runs_controller.h"
#include "stall_probe.h"
#include "training_charts.h"
#include "training_controller.h"
#include "training_form.h"
#include "training_live_view.h"
#include "training_panel.h"
#include "training_wiring.h"
#include "training_workspace.h"
#include "workbench_wiring.h"

#include <cstdio>
#include <vector>

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QJsonDocument>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>
#include <qcustomplot.h>

using namespace kestrel;

namespace {

void waitFor(int milliseconds) {
    QEventLoop loop;
    QTimer::singleShot(milliseconds, &loop, &QEventLoop::quit);
    loop.exec();
}

void print(const bench::StallStats& stats) {
    std::fprintf(stderr, "%-22s %6.1f s  max %6.1f ms  p99 %5.2f ms  p95 %5.2f ms  >16 ms: %zu\n",
                 qPrintable(stats.phase), stats.seconds, stats.max, stats.p99, stats.p95,
                 stats.overBudget);
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // never the user's settings
    QCoreApplication::setOrganizationName("KestrelBench");
    QCommandLineParser parser;
    parser.setApplicationDescription("GUI-thread stalls while a run trains in the window.");
    parser.addHelpOption();
    const QCommandLineOption projectOption("project", "Project folder (built when empty).", "DIR",
                                           QDir::tempPath() + "/kestrel-train-gui-bench");
    const QCommandLineOption samplesOption("samples", "Images in a newly built project.", "N",
                                           "4000");
    const QCommandLineOption epochsOption("epochs", "Epochs to train.", "N", "3");
    const QCommandLineOption sizeOption("image-size", "Training image size.", "PX", "32");
    const QCommandLineOption jsonOption("json", "One JSON object on stdout.");
    parser.addOptions({projectOption, samplesOption, epochsOption, sizeOption, jsonOption});
    parser.process(app);

    const QString folder = QDir(parser.value(projectOption)).absolutePath();
    bench::ensureProject(folder.toStdString(), parser.value(samplesOption).toInt());
    QSettings().clear();

    widgets::MainWindow window;
    app::ProjectController projects;
    app::ImageService images;
    app::wireWorkbench(window, projects, images);
    app::TrainingController training(projects);
    app::RunsController runs(projects);
    app::ResourceMonitor resources;
    app::wireTraining(window, projects, training, runs, resources);
    window.resize(1400, 900);
    window.show();
    window.showTraining();

    QEventLoop ready;
    QObject::connect(&training, &app::TrainingController::choicesReady, &ready, &QEventLoop::quit);
    emit window.openProjectRequested(folder);
    ready.exec();
    waitFor(500);

    bench::StallProbe probe;
    probe.begin();
    waitFor(3000);
    const bench::StallStats idle = probe.end("idle window");

    auto* form = window.training()->panel()->form();
    auto options = form->options();
    options.epochs = parser.value(epochsOption).toInt();
    options.imageSize = parser.value(sizeOption).toInt();
    options.device = "cpu";
    form->setOptions(options);
    int deliveries = 0;
    QObject::connect(&training, &app::TrainingController::batchesArrived,
                     [&deliveries] { ++deliveries; });
    double imagesPerSecond = 0;
    QObject::connect(&training, &app::TrainingController::progressChanged,
                     [&](const widgets::TrainingProgress& progress) {
                         imagesPerSecond = progress.imagesPerSecond;
                     });
    // Starts a run with the Start button's slot and probes the GUI thread until it ends.
    auto train = [&](const QString& phase, QString& status) {
        QEventLoop finished;
        const auto connection = QObject::connect(&training, &app::TrainingController::runFinished,
                                                 &finished, [&](qint64, const QString& result) {
                                                     status = result;
                                                     finished.quit();
                                                 });
        probe.begin();
        window.training()->panel()->start();
        finished.exec();
        QObject::disconnect(connection);
        return probe.end(phase);
    };
    QString status;
    const bench::StallStats trainingStats = train("training, live view", status);
    const int liveDeliveries = deliveries;
    const auto batches =
        window.training()->live()->charts()->pointCount(training.currentRun(), "batch_loss");
    auto* charts = window.training()->live()->charts();
    std::vector<double> replots;
    for (const char* title : {"Loss", "Accuracy", "Learning rate", "Images per second"}) {
        replots.push_back(charts->plot(title)->replotTime(true));
    }

    // The same run with nothing shown: what training alone costs the GUI thread (the two
    // cores are shared with it), so the live view's own share can be told apart.
    QObject::disconnect(&training, nullptr, window.training()->live(), nullptr);
    QObject::disconnect(&training, nullptr, &runs, nullptr);
    QString unshownStatus;
    waitFor(500);
    const bench::StallStats unshown = train("training, nothing shown", unshownStatus);

    std::fprintf(stderr,
                 "mean replot of the live charts (ms): loss %.1f, accuracy %.1f, "
                 "learning rate %.1f, images/s %.1f\n",
                 replots[0], replots[1], replots[2], replots[3]);
    print(idle);
    print(unshown);
    print(trainingStats);
    std::fprintf(stderr,
                 "run %s: %d batches drawn in %d deliveries (%.1f a second), %.0f images/s\n",
                 qPrintable(status), batches, liveDeliveries,
                 liveDeliveries / trainingStats.seconds, imagesPerSecond);
    if (parser.isSet(jsonOption)) {
        QJsonObject out{{"idle", idle.toJson()},
                        {"training_unshown", unshown.toJson()},
                        {"training", trainingStats.toJson()},
                        {"batches", batches},
                        {"deliveries", liveDeliveries},
                        {"images_per_second", imagesPerSecond},
                        {"status", status}};
        std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    }
    return status == "completed" && unshownStatus == "completed" ? 0 : 1;
}
