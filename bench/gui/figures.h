#pragma once

#include "stall_probe.h"

#include <functional>
#include <map>
#include <utility>
#include <vector>

#include <QString>

namespace kestrel::bench {

// Milliseconds from the open request, or in a slot; -1 until it happened.
struct OpenFigures {
    // The worker opens, summarises and loads the catalog, then posts both signals.
    double toProjectOpened = -1; // projectOpened reached the GUI thread
    double showProject = 0;      // GUI thread in the wiring's projectOpened slot
    double toCatalogLoaded = -1; // catalogLoaded reached the GUI thread
    double showCatalog = 0;      // GUI thread in MainWindow::showCatalog
    double firstPaintStart = -1; // the grid viewport's first paint with rows began
    double gridShown = -1;       // that paint done, the event loop free again
    double thumbnailsSettled = -1;
};

struct ScrollFigures {
    int steps = 0;
    int jumps = 0;
    int gridPaints = 0;
    int thumbnailsDelivered = 0;
};

struct LabelFigures {
    int ticks = 0;
    int labels = 0;
    int undos = 0;
    int answered = 0;
    int failed = 0;
    double offeredSeconds = 0;
    double drainMs = 0; // from the last request until every edit was committed
    double firstRequestMs = -1, lastCommitMs = -1;
    std::vector<double> callMs;    // GUI time spent in one scripted action
    std::vector<double> latencyMs; // request to label shown in the model
};

// GUI time in one of the window's slots.
struct SlotTime {
    int calls = 0;
    double totalMs = 0;
    double maxMs = 0;
};
using SlotTimes = std::map<QString, SlotTime>; // by slot name

struct PhaseFigures {
    StallStats stalls;
    SlotTimes windowSlots; // the window's answers to the workers meanwhile
};

// One filter or sort a user picks in the browser, and what it cost.
struct FilterOp {
    QString name;
    std::function<void()> run;
    double callMs = 0;
    double stallMs = 0;
    int rows = 0;
};

// Steps timed alone, in milliseconds, in the order they ran.
using StepTimes = std::vector<std::pair<QString, double>>;

// Everything the report prints.
struct BenchFigures {
    QString project;
    int samples = 0;
    int listed = 0; // rows in the grid once open
    OpenFigures open;
    std::vector<PhaseFigures> phases;
    ScrollFigures scroll;
    LabelFigures label;
    std::vector<FilterOp> filterSort;
    StepTimes stepsAlone;
};

} // namespace kestrel::bench
