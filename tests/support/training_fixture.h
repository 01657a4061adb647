#pragma once

#include "dataset/importer.h"
#include "left_right_images.h"
#include "project/project.h"
#include "runs/training_session.h"
#include "temp_dir.h"
#include "train/train_options.h"
#include "train/training_events.h"

#include <cstdint>

namespace kestrel::testing {

// A project holding the left/right task of left_right_images.h, imported with its splits.
inline Project makeLeftRightProject(const TempDir& dir, int perClass = 48) {
    writeLeftRightImages(dir / "source", perClass);
    Project project = Project::create(dir / "project");
    dataset::importSource(project, dir / "source", {});
    return project;
}

// Settings that learn the left/right task in a few epochs of a second each, the same way on
// every machine (one thread).
inline train::TrainOptions tinyTrainOptions(std::int64_t epochs) {
    train::TrainOptions options;
    options.model = "smallcnn";
    options.imageSize = 16;
    options.channels = 1;
    options.epochs = epochs;
    options.batchSize = 16;
    options.schedule.kind = train::LrScheduleOptions::Kind::OneCycle;
    options.schedule.baseLr = 0.05;
    options.device = "cpu";
    options.workers = 1;
    options.threads = 1; // the same arithmetic order on every machine
    options.seed = 5;
    // Shifts only: a mirror image would swap "left" and "right".
    options.augmentation.shift.probability = 1.0;
    options.augmentation.shift.maxFraction = 0.1;
    return options;
}

// Cancels the run at the first batch of `epoch` (counting from 0): a run stopped mid-way,
// with the checkpoints of the epochs before.
class CancelAtEpoch : public train::TrainingObserver {
public:
    CancelAtEpoch(runs::TrainingSession& session, std::int64_t epoch)
        : session_(session), epoch_(epoch) {}
    void batchDone(const train::BatchDone& event) override {
        if (event.epoch == epoch_) {
            session_.cancel();
        }
    }

private:
    runs::TrainingSession& session_;
    std::int64_t epoch_;
};

} // namespace kestrel::testing
