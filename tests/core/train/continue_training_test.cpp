// After a run, every sample gets the best checkpoint's predictions (what review sorts by),
// and a new run can start from an earlier run's weights on the current samples.
#include "common/error.h"
#include "dataset/label_edit.h"
#include "models/model_registry.h"
#include "review/run_predictions.h"
#include "runs/run_params.h"
#include "runs/run_store_writer.h"
#include "runs/training_session.h"
#include "store/review_repository.h"
#include "store/run_repository.h"
#include "store/sqlite.h"
#include "train/checkpoint.h"
#include "training_fixture.h"

#include <cmath>

#include <gtest/gtest.h>
#include <torch/nn/module.h>

namespace kestrel::train {
namespace {

// Trains, then runs the review step a caller runs after a completed run.
TrainingFinished train(Project& project, std::unique_ptr<runs::TrainingSession>& session) {
    NullObserver none;
    runs::ThreadedRunStoreWriter writer(project.database());
    const TrainingFinished finished = session->run(none, &writer);
    if (finished.status == TrainingFinished::Status::Completed) {
        review::recordRunPredictions(*session, writer);
    }
    return finished;
}

class ContinueTrainingTest : public ::testing::Test {
protected:
    testing::TempDir dir;
    Project project = testing::makeLeftRightProject(dir, 32);
};

TEST_F(ContinueTrainingTest, EverySampleGetsTheBestCheckpointsPredictionsAfterARun) {
    auto session = runs::TrainingSession::create(project, testing::tinyTrainOptions(3));
    ASSERT_EQ(train(project, session).status, TrainingFinished::Status::Completed);

    const auto records =
        store::ReviewRepository(project.database()).samplePredictions(session->runId());
    ASSERT_EQ(static_cast<std::int64_t>(records.size()),
              project.database().queryInt("SELECT COUNT(*) FROM samples"));
    std::int64_t valRight = 0;
    std::int64_t valCount = 0;
    for (const auto& record : records) {
        ASSERT_EQ(record.probabilities.size(), 2u);
        const float p0 = record.probabilities[0];
        const float p1 = record.probabilities[1];
        EXPECT_NEAR(p0 + p1, 1.0, 1e-4);
        EXPECT_EQ(record.predicted, p1 > p0 ? 1 : 0);
        EXPECT_NEAR(record.confidence, std::max(p0, p1), 1e-5);
        EXPECT_NEAR(record.margin, std::fabs(p0 - p1), 1e-5);
        EXPECT_NEAR(record.truthProbability, record.probabilities[record.truth == 0 ? 0 : 1], 1e-5);
        EXPECT_NEAR(record.loss, -std::log(record.truthProbability), 1e-3);
        if (record.split == "val") {
            ++valCount;
            valRight += record.predicted == record.truth ? 1 : 0;
        }
    }
    // The best checkpoint is the epoch with the highest validation accuracy.
    double bestAccuracy = 0;
    for (const auto& point :
         store::RunRepository(project.database()).metrics(session->runId(), "val_accuracy")) {
        bestAccuracy = std::max(bestAccuracy, point.value);
    }
    ASSERT_GT(valCount, 0);
    EXPECT_DOUBLE_EQ(static_cast<double>(valRight) / static_cast<double>(valCount), bestAccuracy);
}

TEST_F(ContinueTrainingTest, ARunStartedFromAnotherBeginsWithItsBestWeights) {
    auto first = runs::TrainingSession::create(project, testing::tinyTrainOptions(3));
    const TrainingFinished trained = train(project, first);
    ASSERT_EQ(trained.status, TrainingFinished::Status::Completed);

    // Zero epochs evaluates the starting weights as they are: the first run's best.
    TrainOptions options = runs::continuationOptions(project, first->runId());
    options.epochs = 0;
    auto second = runs::TrainingSession::create(project, options, first->runId());
    const TrainingFinished evaluated = train(project, second);
    ASSERT_EQ(evaluated.status, TrainingFinished::Status::Completed) << evaluated.reason;
    EXPECT_DOUBLE_EQ(evaluated.finalMetrics.at("test_accuracy"),
                     trained.finalMetrics.at("test_accuracy"));
    EXPECT_NEAR(evaluated.finalMetrics.at("test_loss"), trained.finalMetrics.at("test_loss"), 1e-6);

    store::RunRepository runs(project.database());
    EXPECT_EQ(runs.get(second->runId()).parentRunId, first->runId());
    const TrainOptions recorded = runs::optionsFromParams(runs.params(second->runId()));
    EXPECT_EQ(recorded.initCheckpoint, first->runFolder() / "best.pt");
    EXPECT_TRUE(recorded.initCheckpointHead);
}

TEST_F(ContinueTrainingTest, WhenTheClassesChangedOnlyTheLastLayerStartsFresh) {
    auto first = runs::TrainingSession::create(project, testing::tinyTrainOptions(2));
    ASSERT_EQ(train(project, first).status, TrainingFinished::Status::Completed);
    const auto leftId = project.database().queryInt("SELECT id FROM classes WHERE name = 'left'");
    dataset::applyLabelEdit(project, dataset::renameClassEdit(project, leftId, "west"));

    TrainOptions options = runs::continuationOptions(project, first->runId());
    options.epochs = 0;
    auto second = runs::TrainingSession::create(project, options, first->runId());
    ASSERT_EQ(train(project, second).status, TrainingFinished::Status::Completed);
    EXPECT_FALSE(second->options().initCheckpointHead);

    auto before = models::createClassifier({"smallcnn", 2, 1});
    auto after = models::createClassifier({"smallcnn", 2, 1});
    loadCheckpoint(first->runFolder() / "best.pt", *before, nullptr, false);
    loadCheckpoint(second->runFolder() / "best.pt", *after, nullptr, false);
    const auto earlier = before->named_parameters();
    int same = 0;
    for (const auto& item : after->named_parameters()) {
        const bool head = item.key().rfind(after->headName() + ".", 0) == 0;
        EXPECT_EQ(torch::equal(item.value(), earlier[item.key()]), !head) << item.key();
        same += head ? 0 : 1;
    }
    EXPECT_GT(same, 0);
}

TEST_F(ContinueTrainingTest, AnotherModelCannotContinueFromARun) {
    auto first = runs::TrainingSession::create(project, testing::tinyTrainOptions(1));
    ASSERT_EQ(train(project, first).status, TrainingFinished::Status::Completed);
    TrainOptions options = testing::tinyTrainOptions(1);
    options.model = "resnet18";
    options.imageSize = 32;
    try {
        runs::TrainingSession::create(project, options, first->runId());
        FAIL() << "resnet18 continued from a smallcnn run";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("smallcnn"), std::string::npos) << error.what();
    }
    EXPECT_THROW(runs::TrainingSession::create(project, testing::tinyTrainOptions(1), 999), Error);
}

} // namespace
} // namespace kestrel::train
