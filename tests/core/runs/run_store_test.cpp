#include "common/error.h"
#include "project/project.h"
#include "runs/run_deletion.h"
#include "runs/run_lock.h"
#include "runs/run_params.h"
#include "store/migrations.h"
#include "store/run_repository.h"
#include "store/sqlite.h"
#include "temp_dir.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace kestrel::runs {
namespace {

TEST(RunStoreTest, ARunLeftRunningByADeadProcessShowsAsInterrupted) {
    testing::TempDir dir;
    Project project = Project::create(dir / "p");
    store::RunRepository runs(project.database());
    const auto dead = runs.create("classification", "smallcnn", 0, 1);
    runs.markRunning(dead, "cpu");
    const auto alive = runs.create("classification", "smallcnn", 0, 1);
    runs.markRunning(alive, "cpu");
    // This process trains `alive`: its lock is held.
    auto lock = RunLock::tryAcquire(project.runsFolder() / std::to_string(alive));
    ASSERT_TRUE(lock.has_value());

    EXPECT_EQ(markInterruptedRuns(project), 1);
    EXPECT_EQ(runs.get(dead).status, "interrupted");
    EXPECT_NE(runs.get(dead).error.find("--resume " + std::to_string(dead)), std::string::npos);
    EXPECT_EQ(runs.get(alive).status, "running");
}

TEST(RunStoreTest, MetricsAndConfusionMatricesReadBackAsWritten) {
    testing::TempDir dir;
    Project project = Project::create(dir / "p");
    store::RunRepository runs(project.database());
    const auto run = runs.create("classification", "smallcnn", 3, 7);
    EXPECT_EQ(runs.get(run).task, "classification");
    runs.addMetrics(run, {{10, 0, "val_accuracy", 0.5, 1.0}, {20, 1, "val_accuracy", 0.75, 2.0}});
    EXPECT_DOUBLE_EQ(runs.latestMetrics(run).at("val_accuracy"), 0.75);
    EXPECT_EQ(runs.metrics(run, "val_accuracy").size(), 2u);
    runs.putConfusionMatrix(run, {0, "val", {"ok", "ng"}, {5, 1, 2, 4}});
    runs.putConfusionMatrix(run, {1, "val", {"ok", "ng"}, {6, 0, 1, 5}});
    EXPECT_EQ(runs.confusionMatrix(run, "val")->counts, (std::vector<std::int64_t>{6, 0, 1, 5}));
    EXPECT_EQ(runs.confusionMatrix(run, "val", 0)->counts, (std::vector<std::int64_t>{5, 1, 2, 4}));
    EXPECT_FALSE(runs.confusionMatrix(run, "test").has_value());
    EXPECT_THROW(runs.get(run + 1), Error);
}

TEST(RunStoreTest, PrecisionCurvesAreKeptPerEpochAndTheLatestIsTheDefault) {
    testing::TempDir dir;
    Project project = Project::create(dir / "p");
    store::RunRepository runs(project.database());
    const auto run = runs.create("detection", "fcos_resnet18", 3, 7);
    std::vector<double> falling(101);
    for (std::size_t r = 0; r < falling.size(); ++r) {
        falling[r] = 1.0 - static_cast<double>(r) / 100.0;
    }
    const std::vector<double> flat(101, 0.25);
    runs.putPrecisionCurves(run, {{0, "val", "spot", 0.5, flat}, {0, "val", "crack", 0.5, flat}});
    runs.putPrecisionCurves(run, {{1, "val", "spot", 0.5, falling}});
    // The same key again replaces rather than adds.
    runs.putPrecisionCurves(run, {{1, "val", "spot", 0.5, falling}});
    const auto latest = runs.precisionCurves(run, "val");
    ASSERT_EQ(latest.size(), 1u);
    EXPECT_EQ(latest[0].epoch, 1);
    EXPECT_EQ(latest[0].className, "spot");
    EXPECT_EQ(latest[0].precision, falling);
    const auto first = runs.precisionCurves(run, "val", 0);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0].className, "crack"); // by name
    EXPECT_EQ(first[1].precision, flat);
    EXPECT_TRUE(runs.precisionCurves(run, "test").empty());
    EXPECT_TRUE(runs.precisionCurves(run, "val", 5).empty());
    runs.remove(run); // the curves go with their run
    EXPECT_TRUE(runs.precisionCurves(run, "val", 0).empty());
}

TEST(RunStoreTest, EveryOptionRoundTripsThroughRunParameters) {
    train::TrainOptions options;
    options.model = "resnet18";
    options.epochs = 7;
    options.batchSize = 48;
    options.imageSize = 160;
    options.channels = 3;
    options.mean = {0.485, 0.456, 0.406};
    options.std = {0.229, 0.224, 0.225};
    options.optimizer = train::OptimizerKind::AdamW;
    options.schedule.kind = train::LrScheduleOptions::Kind::Cosine;
    options.schedule.baseLr = 0.0003;
    options.labelSmoothing = 0.05;
    options.classWeights = true;
    options.gradientClipNorm = 2.5;
    options.precision = train::Precision::BFloat16;
    options.channelsLast = true;
    options.patience = 4;
    options.monitor = "val_loss";
    options.seed = 1234;
    options.augmentation.shift.probability = 0.7;
    options.augmentation.horizontalFlip = 0.5;
    options.augmentation.colorJitter.brightness = 0.35;
    options.augmentation.colorJitter.contrast = 0.15;
    options.augmentation.blur.maxSigma = 3.5;
    options.augmentation.noise.sigma = 12;
    options.cropSize = 72;
    options.defectCropShare = 0.5;
    options.wholeImageEpochs = 3;
    options.augmentation.blur.minSigma = 0.1;
    options.syncBatchNorm = true;
    options.emaHorizon = 300;
    options.averageMirrors = true;
    options.keepImageScale = true;
    options.validateEvery = 4;
    const auto params = toParams(options);
    EXPECT_EQ(params.at("sync_batch_norm"), "true");
    // Shown as people write them, and read back exactly.
    EXPECT_EQ(params.at("augment.blur_min_sigma"), "0.1");
    EXPECT_EQ(params.at("augment.color_jitter_brightness"), "0.35");
    const train::TrainOptions back = optionsFromParams(params);
    EXPECT_EQ(back.augmentation.blur.minSigma, 0.1);
    EXPECT_EQ(back.cropSize, 72);
    EXPECT_DOUBLE_EQ(back.defectCropShare, 0.5);
    EXPECT_EQ(back.wholeImageEpochs, 3);
    EXPECT_TRUE(back.keepImageScale);
    EXPECT_EQ(back.model, "resnet18");
    EXPECT_EQ(back.epochs, 7);
    EXPECT_EQ(back.batchSize, 48);
    EXPECT_EQ(back.imageSize, 160);
    EXPECT_EQ(back.mean, options.mean);
    EXPECT_EQ(back.std, options.std);
    EXPECT_EQ(back.optimizer, train::OptimizerKind::AdamW);
    EXPECT_EQ(back.schedule.kind, train::LrScheduleOptions::Kind::Cosine);
    EXPECT_DOUBLE_EQ(back.schedule.baseLr, 0.0003);
    EXPECT_DOUBLE_EQ(back.labelSmoothing, 0.05);
    EXPECT_TRUE(back.classWeights);
    EXPECT_DOUBLE_EQ(back.gradientClipNorm, 2.5);
    EXPECT_EQ(back.precision, train::Precision::BFloat16);
    EXPECT_TRUE(back.channelsLast);
    EXPECT_EQ(back.patience, 4);
    EXPECT_EQ(back.monitor, "val_loss");
    EXPECT_EQ(back.seed, 1234u);
    EXPECT_DOUBLE_EQ(back.augmentation.shift.probability, 0.7);
    EXPECT_DOUBLE_EQ(back.augmentation.horizontalFlip, 0.5);
    EXPECT_DOUBLE_EQ(back.augmentation.colorJitter.brightness, 0.35);
    EXPECT_DOUBLE_EQ(back.augmentation.colorJitter.contrast, 0.15);
    EXPECT_DOUBLE_EQ(back.augmentation.blur.maxSigma, 3.5);
    EXPECT_DOUBLE_EQ(back.augmentation.noise.sigma, 12);
    EXPECT_TRUE(back.syncBatchNorm);
    EXPECT_EQ(back.emaHorizon, 300);
    EXPECT_TRUE(back.averageMirrors);
    EXPECT_EQ(back.validateEvery, 4);

    auto damaged = toParams(options);
    damaged["batch_size"] = "forty";
    try {
        optionsFromParams(damaged);
        FAIL();
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("batch_size"), std::string::npos);
    }
}

TEST(RunStoreTest, RunsFromBeforeSynchronisedBatchNormKeptEachRanksStatistics) {
    auto params = toParams(train::TrainOptions());
    EXPECT_EQ(params.at("sync_batch_norm"), "false");
    params.erase("sync_batch_norm");
    EXPECT_FALSE(optionsFromParams(params).syncBatchNorm);
    params.erase("ema_horizon"); // nor a weight average
    EXPECT_EQ(optionsFromParams(params).emaHorizon, 0);
    params.erase("average_mirrors"); // nor judged over mirror images
    EXPECT_FALSE(optionsFromParams(params).averageMirrors);
    params.erase("keep_image_scale"); // and segmentation stretched its images
    EXPECT_FALSE(optionsFromParams(params).keepImageScale);
    params.erase("validate_every"); // and every run validated after each epoch
    EXPECT_EQ(optionsFromParams(params).validateEvery, 1);
}

TEST(RunStoreTest, ARunsTaskIsAParameterAndRunsFromBeforeTasksAreClassification) {
    const train::TrainOptions options;
    auto params = toParams(options);
    EXPECT_EQ(params.at("task"), "classification");
    EXPECT_EQ(optionsFromParams(params).task, TaskKind::Classification);
    params.erase("task"); // as every run recorded before tasks existed
    EXPECT_EQ(optionsFromParams(params).task, TaskKind::Classification);
    params["task"] = "segmentation";
    EXPECT_EQ(optionsFromParams(params).task, TaskKind::Segmentation);
    params["task"] = "detection";
    EXPECT_EQ(optionsFromParams(params).task, TaskKind::Detection);
    params["task"] = "keypoints"; // not yet
    try {
        optionsFromParams(params);
        FAIL() << "a task this build does not know was accepted";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("\"keypoints\""), std::string::npos);
    }
}

TEST(RunStoreTest, NotesTagsAndPredictionsReadBackAndReplace) {
    testing::TempDir dir;
    Project project = Project::create(dir / "p");
    store::RunRepository runs(project.database());
    const auto run = runs.create("classification", "smallcnn", 0, 1);
    runs.setNotes(run, "first try on line 2\nlighting changed");
    runs.setTags(run, {" baseline ", "", "night shift"});
    EXPECT_EQ(runs.get(run).notes, "first try on line 2\nlighting changed");
    EXPECT_EQ(runs.get(run).tags, (std::vector<std::string>{"baseline", "night shift"}));

    project.database().execute("INSERT INTO samples (id, path, content_hash, status) VALUES "
                               "(7, 'a.png', 'h7', 'ok'), (9, 'b.png', 'h9', 'ok')");
    runs.putPredictions(run, "val", {{7, 0, 1, 1, 0.9, {}}, {9, 0, 0, 1, 0.6, {}}});
    runs.putPredictions(run, "val", {{9, 1, 0, 0, 0.8, {}}});
    const auto predictions = runs.predictions(run, "val");
    ASSERT_EQ(predictions.size(), 1u); // an epoch's predictions replace the last epoch's
    EXPECT_EQ(predictions[0].sampleId, 9);
    EXPECT_EQ(predictions[0].epoch, 1);
    EXPECT_DOUBLE_EQ(predictions[0].confidence, 0.8);
    EXPECT_TRUE(predictions[0].pixels.empty()); // a classifier's: no pixel matrix

    // A segmentation image's pixel matrix comes back as it went in.
    runs.putPredictions(run, "val", {{7, 2, 1, 0, 0.7, {90, 4, 1, 5}}});
    EXPECT_EQ(runs.predictions(run, "val").at(0).pixels, (std::vector<std::int64_t>{90, 4, 1, 5}));
}

TEST(RunStoreTest, PredictionsOfAnOlderProjectSurviveTheUpgradeWithoutPixelMatrices) {
    testing::TempDir dir;
    store::Database db(dir / "project.kestrel", store::Database::Mode::ReadWriteCreate);
    const std::vector<store::Migration> upToV7(store::projectMigrations().begin(),
                                               store::projectMigrations().begin() + 7);
    store::migrate(db, upToV7);
    db.execute("INSERT INTO samples (id, path, content_hash, status) VALUES (4, 'a.png', 'h4', "
               "'ok')");
    store::RunRepository runs(db);
    const auto run = runs.create("classification", "smallcnn", 0, 1);
    db.execute("INSERT INTO run_predictions (run_id, split, sample_id, epoch, truth, predicted, "
               "confidence) VALUES (" +
               std::to_string(run) + ", 'val', 4, 2, 1, 0, 0.55)");

    // Every later step runs: the pixel matrices, the precision curves and whatever came after.
    EXPECT_EQ(store::migrate(db, store::projectMigrations()),
              static_cast<int>(store::projectMigrations().size() - upToV7.size()));
    const auto kept = runs.predictions(run, "val");
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_EQ(kept[0].truth, 1);
    EXPECT_DOUBLE_EQ(kept[0].confidence, 0.55);
    EXPECT_TRUE(kept[0].pixels.empty());
}

TEST(RunStoreTest, DeletingARunRemovesItsRowsFolderAndExportsButNotOtherRuns) {
    testing::TempDir dir;
    Project project = Project::create(dir / "p");
    store::RunRepository runs(project.database());
    const auto doomed = runs.create("classification", "smallcnn", 0, 1);
    const auto kept = runs.create("classification", "smallcnn", 0, 1, doomed);
    const auto folder = project.runsFolder() / std::to_string(doomed);
    std::filesystem::create_directories(folder);
    std::ofstream(folder / "best.pt") << "weights";
    std::filesystem::create_directories(project.folder() / "exports");
    const auto model = project.folder() / "exports" / "run1.onnx";
    std::ofstream(model) << "model";
    std::ofstream(model.string() + ".card.json") << "{}";
    runs.addArtifact(doomed, "onnx", "exports/run1.onnx", 5);
    runs.addMetrics(doomed, {{1, 0, "val_accuracy", 0.5, 1.0}});
    runs.addMetrics(kept, {{1, 0, "val_accuracy", 0.7, 1.0}});

    deleteRun(project, doomed);
    EXPECT_FALSE(runs.find(doomed).has_value());
    EXPECT_FALSE(std::filesystem::exists(folder));
    EXPECT_FALSE(std::filesystem::exists(model));
    EXPECT_FALSE(std::filesystem::exists(model.string() + ".card.json"));
    EXPECT_EQ(project.database().queryInt("SELECT COUNT(*) FROM metrics WHERE run_id = " +
                                          std::to_string(doomed)),
              0);
    EXPECT_DOUBLE_EQ(runs.latestMetrics(kept).at("val_accuracy"), 0.7);
    EXPECT_FALSE(runs.get(kept).parentRunId.has_value());
    EXPECT_THROW(deleteRun(project, doomed), Error);
}

TEST(RunStoreTest, ARunBeingTrainedCannotBeDeleted) {
    testing::TempDir dir;
    Project project = Project::create(dir / "p");
    store::RunRepository runs(project.database());
    const auto run = runs.create("classification", "smallcnn", 0, 1);
    runs.markRunning(run, "cpu");
    {
        auto lock = RunLock::tryAcquire(project.runsFolder() / std::to_string(run));
        ASSERT_TRUE(lock.has_value());
        try {
            deleteRun(project, run);
            FAIL() << "a run being trained was deleted";
        } catch (const Error& error) {
            EXPECT_NE(std::string(error.what()).find("is training"), std::string::npos);
        }
        EXPECT_TRUE(runs.find(run).has_value());
    }
    deleteRun(project, run); // its trainer is gone: the lock is free
    EXPECT_FALSE(runs.find(run).has_value());
}

} // namespace
} // namespace kestrel::runs
