// A run's operating point as the window moves it: chosen again on the stored scores, kept
// with the run, and carried by what loadTrainedRun hands the exporters.
#include "common/error.h"
#include "review/run_operating_point.h"
#include "review/run_predictions.h"
#include "runs/run_params.h"
#include "runs/run_store_writer.h"
#include "runs/trained_run.h"
#include "store/run_repository.h"
#include "training_fixture.h"

#include <gtest/gtest.h>

namespace kestrel::review {
namespace {

TEST(RunOperatingPointTest, MovingTheTargetChoosesAgainOnTheStoredScoresAndKeepsIt) {
    testing::TempDir dir;
    Project project = testing::makeLeftRightProject(dir, 24);
    train::TrainOptions options = testing::tinyTrainOptions(3);
    options.goodClass = "left";
    auto session = runs::TrainingSession::create(project, options);
    std::optional<RunOperatingPoint> chosen;
    {
        train::NullObserver none;
        runs::ThreadedRunStoreWriter writer(project.database());
        ASSERT_EQ(session->run(none, &writer).status, train::TrainingFinished::Status::Completed);
        chosen = recordRunPredictions(*session, writer);
    }
    ASSERT_TRUE(chosen);
    EXPECT_EQ(chosen->goodClass, "left");
    EXPECT_EQ(chosen->validation.rates.escapes, 0); // 6 defects: 99.5% is all of them
    const std::int64_t run = session->runId();

    const RunOperatingPoint moved = moveOperatingPoint(project, run, 0.5);
    EXPECT_DOUBLE_EQ(moved.validation.targetDefectRecall, 0.5);
    EXPECT_GE(moved.validation.threshold, chosen->validation.threshold);
    EXPECT_LE(moved.validation.rates.falseRejects, chosen->validation.rates.falseRejects);
    EXPECT_GE(1.0 - moved.validation.rates.escapeRate(), 0.5);

    store::RunRepository runs(project.database());
    const auto params = runs.params(run);
    EXPECT_EQ(params.at(runs::kOperatingTargetParam), "0.5");
    const runs::TrainedRun trained = runs::loadTrainedRun(project, run);
    ASSERT_TRUE(trained.ngThreshold);
    EXPECT_DOUBLE_EQ(*trained.ngThreshold, moved.validation.threshold); // every digit kept
    EXPECT_EQ(runs::modelMetadata(trained).goodClass, "left");
    EXPECT_DOUBLE_EQ(runs.latestMetrics(run).at("val_escape_rate"),
                     moved.validation.rates.escapeRate());
}

TEST(RunOperatingPointTest, ARunWithoutAGoodClassHasNoPointToMove) {
    testing::TempDir dir;
    Project project = testing::makeLeftRightProject(dir, 8);
    auto session = runs::TrainingSession::create(project, testing::tinyTrainOptions(1));
    {
        train::NullObserver none;
        runs::ThreadedRunStoreWriter writer(project.database());
        session->run(none, &writer);
        EXPECT_FALSE(recordRunPredictions(*session, writer)); // left/right: neither is good
    }
    try {
        moveOperatingPoint(project, session->runId(), 0.9);
        FAIL() << "a run without a good class has no operating point";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("needs a good class"), std::string::npos)
            << error.what();
    }
}

} // namespace
} // namespace kestrel::review
