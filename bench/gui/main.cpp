// GUI responsiveness benchmark: opens a large project in the real workbench window (window,
// controller and image service wired as main() wires them) and measures how long the grid
// takes to appear, and how long the GUI thread stalls while scripted scrolling, labelling and
// filtering run. Run by hand through bench/gui_bench.sh; it prints figures, it is not a test.
#include "bench_project.h"
#include "instrumented_workbench.h"
#include "phases.h"
#include "report.h"
#include "steps_alone.h"

#include <cstdio>
#include <exception>
#include <optional>

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QSettings>
#include <QStandardPaths>

namespace {

struct Options {
    QString project; // absolute
    int samples = 0;
    double phaseSeconds = 0;
    bool json = false;
};

// Exits for --help; prints why and returns nothing when a number is wrong.
std::optional<Options> parseOptions(const QApplication& app) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Opens a large project in the Kestrel window and measures open time and GUI-thread "
        "stalls while scripted scrolling, labelling and filtering run.");
    parser.addHelpOption();
    const QCommandLineOption projectOption(
        "project",
        "Project folder; built there first when it holds no project.kestrel (default: "
        "<temp>/kestrel-gui-bench-<samples>).",
        "DIR");
    const QCommandLineOption samplesOption("samples", "Samples in a newly built project.", "N",
                                           "100000");
    const QCommandLineOption secondsOption("seconds", "Length of the scroll and label phases.", "S",
                                           "5");
    const QCommandLineOption jsonOption("json",
                                        "Print one JSON object on stdout (the table goes to "
                                        "stderr).");
    parser.addOptions({projectOption, samplesOption, secondsOption, jsonOption});
    parser.process(app);

    Options options;
    bool ok = false;
    options.samples = parser.value(samplesOption).toInt(&ok);
    if (!ok || options.samples < 1) {
        std::fprintf(stderr, "--samples must be a positive number.\n");
        return std::nullopt;
    }
    options.phaseSeconds = parser.value(secondsOption).toDouble(&ok);
    if (!ok || options.phaseSeconds <= 0) {
        std::fprintf(stderr, "--seconds must be a positive number.\n");
        return std::nullopt;
    }
    options.json = parser.isSet(jsonOption);
    options.project = QDir(parser.isSet(projectOption)
                               ? parser.value(projectOption)
                               : QDir::temp().filePath(
                                     QStringLiteral("kestrel-gui-bench-%1").arg(options.samples)))
                          .absolutePath();
    return options;
}

} // namespace

int main(int argc, char** argv) {
    using namespace kestrel::bench;
    QApplication app(argc, argv);
    // Own settings, in Qt's test location: the run neither reads the user's window layout nor
    // adds the benchmark project to their recent projects.
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName("KestrelBench");
    QApplication::setApplicationName("gui_responsiveness");
    QSettings().clear();

    const std::optional<Options> options = parseOptions(app);
    if (!options) {
        return 2;
    }
    try {
        ensureProject(options->project.toStdString(), options->samples);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "Cannot use the project: %s\n", error.what());
        return 1;
    }

    InstrumentedWorkbench bench;
    bench.figures.project = options->project;
    try {
        bench.show();
        runIdlePhase(bench);
        runOpenPhase(bench, options->project);
        runScrollPhase(bench, options->phaseSeconds);
        runLabellingPhase(bench, options->phaseSeconds);
        runFilterSortPhase(bench);
        timeStepsAlone(bench, options->project);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "%s\n", error.what());
        return 1;
    }
    printReport(bench.figures, options->json);
    return 0;
}
