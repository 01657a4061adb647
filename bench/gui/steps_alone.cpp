#include "steps_alone.h"

#include "dataset/project_summary.h"
#include "dataset/sample_catalog.h"
#include "project/project.h"
#include "sample_browser.h"
#include "sample_model.h"
#include "timing.h"

#include <cstdio>
#include <utility>
#include <vector>

#include <QElapsedTimer>
#include <QListView>

namespace kestrel::bench {

namespace {

using widgets::SampleModel;

// The model here has no view, so what the window took beyond these figures went to the views.
void timeWorkerAndModel(StepTimes& steps, const QString& dir) {
    QElapsedTimer step;
    auto record = [&](const char* what) {
        steps.emplace_back(QString::fromLatin1(what), msSince(step));
        step.restart();
    };
    step.start();
    Project project = Project::open(dir.toStdString());
    record("worker: Project::open");
    summarizeProject(project);
    record("worker: summarizeProject");
    dataset::SampleCatalog catalog = dataset::loadCatalog(project);
    record("worker: loadCatalog");
    SampleModel bare;
    bare.setCatalog(std::move(catalog));
    record("model alone: setCatalog");
    bare.sort(SampleModel::NameColumn);
    record("model alone: sort by name");
    bare.sort(SampleModel::LabelColumn);
    record("model alone: sort by label");
    bare.sort(-1);
    step.restart();
    bare.applyLabels({{bare.sampleAt(0)->id, 0}});
    record("model alone: applyLabels, 1 sample");
    widgets::SampleFilter filter;
    filter.search = QStringLiteral("01234");
    bare.setFilter(filter);
    record("model alone: search 01234");
}

void timeGrid(StepTimes& steps, InstrumentedWorkbench& bench) {
    QListView* grid = bench.window.browser()->grid();
    app::ImageService& images = bench.images;
    waitUntil([&] { return images.pendingThumbnails() == 0; }, 10000);
    grid->viewport()->repaint(); // thumbnails of this page asked for and delivered
    waitUntil([&] { return images.pendingThumbnails() == 0; }, 10000);
    std::vector<double> repaints;
    for (int i = 0; i < 20; ++i) {
        QElapsedTimer step;
        step.start();
        grid->viewport()->repaint();
        repaints.push_back(msSince(step));
    }
    steps.emplace_back(QStringLiteral("GUI: full grid repaint, mean"), mean(repaints));
    steps.emplace_back(QStringLiteral("GUI: full grid repaint, max"), maxOf(repaints));
    // In list mode QListView lays out every row again after any dataChanged (a thumbnail
    // arriving, a label), on the next pass of the event loop.
    std::vector<double> layouts;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer step;
        step.start();
        grid->doItemsLayout();
        layouts.push_back(msSince(step));
    }
    steps.emplace_back(QStringLiteral("GUI: grid relayout (all rows), mean"), mean(layouts));
}

} // namespace

void timeStepsAlone(InstrumentedWorkbench& bench, const QString& dir) {
    std::fprintf(stderr, "Timing the steps alone\n");
    timeWorkerAndModel(bench.figures.stepsAlone, dir);
    timeGrid(bench.figures.stepsAlone, bench);
}

} // namespace kestrel::bench
