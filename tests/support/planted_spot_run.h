#pragma once

#include "dataset/importer.h"
#include "planted_spots.h"
#include "project/project.h"
#include "runs/training_session.h"
#include "temp_dir.h"

#include <cstdint>
#include <stdexcept>

namespace kestrel::testing {

// The planted-spot task of planted_spots.h imported into `dir / "project"` and learnt by a
// smallcnn run at 32 px, on one CPU thread: a trained model that should look at the spot.
struct PlantedSpotRun {
    Project project;
    std::int64_t runId = 0;
    double testAccuracy = 0;
};

inline PlantedSpotRun trainPlantedSpotRun(const TempDir& dir, int perClass = 40) {
    writePlantedSpotImages(dir / "source", perClass);
    PlantedSpotRun run{Project::create(dir / "project"), 0, 0};
    dataset::importSource(run.project, dir / "source", {});

    train::TrainOptions options;
    options.model = "smallcnn";
    options.imageSize = 32;
    options.channels = 1;
    options.epochs = 8;
    options.batchSize = 16;
    options.schedule.kind = train::LrScheduleOptions::Kind::OneCycle;
    options.schedule.baseLr = 0.05;
    options.device = "cpu";
    options.workers = 1;
    options.threads = 1;
    options.seed = 3;
    auto session = runs::TrainingSession::create(run.project, options);
    train::NullObserver none;
    const train::TrainingFinished finished = session->run(none);
    if (finished.status != train::TrainingFinished::Status::Completed) {
        throw std::runtime_error("the planted-spot run did not complete: " + finished.reason);
    }
    run.runId = session->runId();
    run.testAccuracy = finished.finalMetrics.at("test_accuracy");
    return run;
}

} // namespace kestrel::testing
