// Real training on a tiny task built here: a few epochs must beat chance clearly, a
// cancelled run resumed must end exactly where an uninterrupted one does, and a diverging
// run must fail with a reason while keeping its last good checkpoint.
#include "../models/torchvision_reference.h"
#include "common/error.h"
#include "models/model_registry.h"
#include "models/state_dict_reader.h"
#include "runs/training_session.h"
#include "store/run_repository.h"
#include "store/sqlite.h"
#include "train/checkpoint.h"
#include "train/weight_average.h"
#include "training_fixture.h"

#include <algorithm>
#include <utility>

#include <gtest/gtest.h>
#include <torch/nn/module.h>

namespace kestrel::train {
namespace {

std::vector<double> series(Project& project, std::int64_t run, const std::string& name) {
    std::vector<double> values;
    for (const auto& point : store::RunRepository(project.database()).metrics(run, name)) {
        values.push_back(point.value);
    }
    return values;
}

void expectSameWeights(const std::filesystem::path& a, const std::filesystem::path& b) {
    auto first = models::createClassifier({"smallcnn", 2, 1});
    auto second = models::createClassifier({"smallcnn", 2, 1});
    loadCheckpoint(a, *first, nullptr, false);
    loadCheckpoint(b, *second, nullptr, false);
    const auto expected = first->named_parameters();
    for (const auto& item : second->named_parameters()) {
        EXPECT_TRUE(torch::allclose(item.value(), expected[item.key()], 1e-6, 1e-7)) << item.key();
    }
}

class TrainerTest : public ::testing::Test {
protected:
    testing::TempDir dir;
    Project project = testing::makeLeftRightProject(dir);
};

TEST_F(TrainerTest, AFewEpochsBeatChanceClearlyAndEverythingIsRecorded) {
    auto session = runs::TrainingSession::create(project, testing::tinyTrainOptions(6));
    NullObserver none;
    const TrainingFinished finished = session->run(none);
    ASSERT_EQ(finished.status, TrainingFinished::Status::Completed) << finished.reason;
    EXPECT_EQ(finished.epochsDone, 6);
    ASSERT_TRUE(finished.finalMetrics.count("test_accuracy"));
    EXPECT_GE(finished.finalMetrics.at("test_accuracy"), 0.9); // chance is 0.5

    store::RunRepository runs(project.database());
    const store::RunRecord run = runs.get(session->runId());
    EXPECT_EQ(run.status, "completed");
    EXPECT_EQ(run.device, "cpu");
    EXPECT_EQ(run.seed, 5);
    EXPECT_EQ(series(project, run.id, "val_accuracy").size(), 6u);
    EXPECT_EQ(series(project, run.id, "train_loss").size(), 6u);
    EXPECT_FALSE(series(project, run.id, "batch_loss").empty());
    EXPECT_EQ(runs.latestMetrics(run.id).at("test_accuracy"),
              finished.finalMetrics.at("test_accuracy"));
    const auto params = runs.params(run.id);
    EXPECT_EQ(params.at("model"), "smallcnn");
    EXPECT_EQ(params.at("train_samples"), "96");
    EXPECT_FALSE(params.at("dataset_fingerprint").empty());
    EXPECT_FALSE(params.at("libtorch_version").empty());
    const auto matrix = runs.confusionMatrix(run.id, "test");
    ASSERT_TRUE(matrix.has_value());
    EXPECT_EQ(matrix->classes, (std::vector<std::string>{"left", "right"}));
    EXPECT_EQ(matrix->counts.size(), 4u);
    EXPECT_TRUE(std::filesystem::exists(session->runFolder() / "best.pt"));

    // The last epoch's validation predictions are kept per sample, and they are what the
    // last validation matrix counted.
    const auto predictions = runs.predictions(run.id, "val");
    ASSERT_EQ(static_cast<std::int64_t>(predictions.size()),
              project.database().queryInt("SELECT COUNT(*) FROM samples WHERE split = 'val'"));
    const auto lastMatrix = runs.confusionMatrix(run.id, "val");
    ASSERT_TRUE(lastMatrix.has_value());
    std::vector<std::int64_t> counted(4, 0);
    for (const auto& prediction : predictions) {
        EXPECT_EQ(prediction.epoch, lastMatrix->epoch);
        store::Statement truth(project.database(),
                               "SELECT c.name FROM labels l JOIN classes c ON c.id = l.class_id "
                               "WHERE l.sample_id = ?");
        truth.bind(1, prediction.sampleId);
        ASSERT_TRUE(truth.step());
        EXPECT_EQ(truth.columnText(0), matrix->classes[static_cast<std::size_t>(prediction.truth)]);
        EXPECT_GT(prediction.confidence, 0.49);
        ++counted[static_cast<std::size_t>(prediction.truth * 2 + prediction.predicted)];
    }
    EXPECT_EQ(counted, lastMatrix->counts);
}

// Remembers each epoch: whether it was validated and whether it became the best.
class RememberEpochs : public NullObserver {
public:
    void epochDone(const EpochDone& event) override {
        if (event.metrics.count("val_loss")) {
            validated.push_back(event.epoch);
            EXPECT_TRUE(event.validation.has_value()) << "epoch " << event.epoch;
        } else {
            EXPECT_FALSE(event.validation.has_value()) << "epoch " << event.epoch;
            EXPECT_TRUE(event.validationPredictions.empty()) << "epoch " << event.epoch;
            EXPECT_FALSE(event.improved) << "an epoch nobody judged became the best";
        }
        if (event.improved) {
            improved.push_back(event.epoch);
        }
    }
    std::vector<std::int64_t> validated;
    std::vector<std::int64_t> improved;
};

TEST_F(TrainerTest, ValidatingEveryThirdEpochJudgesThoseAndTheLastOnly) {
    TrainOptions options = testing::tinyTrainOptions(7);
    options.validateEvery = 3;
    auto session = runs::TrainingSession::create(project, options);
    RememberEpochs epochs;
    const TrainingFinished finished = session->run(epochs);
    ASSERT_EQ(finished.status, TrainingFinished::Status::Completed) << finished.reason;
    EXPECT_EQ(finished.epochsDone, 7);
    EXPECT_EQ(epochs.validated, (std::vector<std::int64_t>{2, 5, 6}));
    ASSERT_FALSE(epochs.improved.empty());
    EXPECT_EQ(epochs.improved.front(), 2);
    EXPECT_EQ(finished.bestEpoch, epochs.improved.back());
    EXPECT_GE(finished.finalMetrics.at("test_accuracy"), 0.9); // chance is 0.5

    EXPECT_EQ(series(project, session->runId(), "val_accuracy").size(), 3u);
    EXPECT_EQ(series(project, session->runId(), "train_loss").size(), 7u);
    store::RunRepository runs(project.database());
    EXPECT_EQ(runs.params(session->runId()).at("validate_every"), "3");
    for (const auto& prediction : runs.predictions(session->runId(), "val")) {
        EXPECT_EQ(prediction.epoch, 6); // the last validation's
    }
}

TEST_F(TrainerTest, PatienceEndsARunOnlyAtAValidation) {
    // Patience 1 runs out one epoch after the first validation, but only the next validation
    // can show that the model stopped improving: the run ends at one, or at the last epoch.
    TrainOptions options = testing::tinyTrainOptions(8);
    options.validateEvery = 3;
    options.patience = 1;
    auto session = runs::TrainingSession::create(project, options);
    RememberEpochs epochs;
    const TrainingFinished finished = session->run(epochs);
    ASSERT_EQ(finished.status, TrainingFinished::Status::Completed) << finished.reason;
    ASSERT_FALSE(epochs.validated.empty());
    EXPECT_EQ(finished.epochsDone - 1, epochs.validated.back());
    EXPECT_GE(finished.epochsDone, 6);
}

TEST_F(TrainerTest, ValidatingEveryZeroEpochsIsRefusedClearly) {
    TrainOptions options = testing::tinyTrainOptions(2);
    options.validateEvery = 0;
    try {
        runs::TrainingSession::create(project, options);
        FAIL() << "validating every 0 epochs was accepted";
    } catch (const Error& error) {
        EXPECT_EQ(std::string(error.what()),
                  "Validation runs every 1 or more epochs, not every 0.");
    }
}

class ResumeTest : public TrainerTest {
protected:
    // Trains `options` straight, and again cancelled after epoch 2 and resumed: both must end
    // with the same weights and validation losses. Returns the two runs' folders.
    std::pair<std::filesystem::path, std::filesystem::path>
    expectResumedRunEndsAsAStraightOne(const TrainOptions& options);
};

TEST_F(ResumeTest, ACancelledRunResumedEndsExactlyWhereAnUninterruptedOneDoes) {
    expectResumedRunEndsAsAStraightOne(testing::tinyTrainOptions(4));
}

// The weight average is validated and kept as the model; its checkpoint carries the trained
// weights too, so a resumed run steps on from those and averages on from the average.
TEST_F(ResumeTest, ARunWithAWeightAverageResumesExactlyAndKeepsTheAverage) {
    TrainOptions options = testing::tinyTrainOptions(4);
    options.emaHorizon = 5;
    const auto folders = expectResumedRunEndsAsAStraightOne(options);
    auto average = models::createClassifier({"smallcnn", 2, 1});
    loadCheckpoint(folders.first / "last.pt", *average, nullptr, false);
    auto trained = models::createClassifier({"smallcnn", 2, 1});
    WeightAverage aside(*trained, 5);
    loadCheckpoint(folders.first / "last.pt", *trained, nullptr, false, &aside);
    const torch::Tensor averaged = average->parameters().front();
    EXPECT_FALSE(torch::allclose(trained->parameters().front(), averaged));
    aside.useAverage();
    EXPECT_TRUE(torch::equal(trained->parameters().front(), averaged));
}

std::pair<std::filesystem::path, std::filesystem::path>
ResumeTest::expectResumedRunEndsAsAStraightOne(const TrainOptions& options) {
    auto straight = runs::TrainingSession::create(project, options);
    NullObserver none;
    EXPECT_EQ(straight->run(none).status, TrainingFinished::Status::Completed);

    auto interrupted = runs::TrainingSession::create(project, options);
    testing::CancelAtEpoch cancel(*interrupted, 2);
    const TrainingFinished first = interrupted->run(cancel);
    EXPECT_EQ(first.status, TrainingFinished::Status::Cancelled);
    EXPECT_EQ(first.epochsDone, 2);
    store::RunRepository runs(project.database());
    EXPECT_EQ(runs.get(interrupted->runId()).status, "cancelled");

    auto resumed = runs::TrainingSession::resume(project, interrupted->runId());
    const TrainingFinished second = resumed->run(none);
    EXPECT_EQ(second.status, TrainingFinished::Status::Completed) << second.reason;
    EXPECT_EQ(runs.get(interrupted->runId()).status, "completed");

    expectSameWeights(straight->runFolder() / "last.pt", interrupted->runFolder() / "last.pt");
    const auto a = series(project, straight->runId(), "val_loss");
    const auto b = series(project, interrupted->runId(), "val_loss");
    EXPECT_EQ(a.size(), 4u);
    EXPECT_EQ(b.size(), 4u);
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        EXPECT_NEAR(a[i], b[i], 1e-6) << "epoch " << i + 1;
    }
    return {straight->runFolder(), interrupted->runFolder()};
}

TEST_F(TrainerTest, ADivergingRunFailsWithAReasonAndKeepsItsLastGoodCheckpoint) {
    TrainOptions options = testing::tinyTrainOptions(4);
    // A sane first epoch, then a learning rate that must blow the weights up.
    options.schedule.kind = LrScheduleOptions::Kind::Step;
    options.schedule.stepEpochs = 1;
    options.schedule.gamma = 1e20;
    auto session = runs::TrainingSession::create(project, options);
    NullObserver none;
    const TrainingFinished finished = session->run(none);
    ASSERT_EQ(finished.status, TrainingFinished::Status::Failed);
    EXPECT_NE(finished.reason.find("learning rate"), std::string::npos) << finished.reason;
    EXPECT_GE(finished.epochsDone, 1);

    store::RunRepository runs(project.database());
    const auto run = runs.get(session->runId());
    EXPECT_EQ(run.status, "failed");
    EXPECT_EQ(run.error, finished.reason);
    auto model = models::createClassifier({"smallcnn", 2, 1});
    const auto progress = loadCheckpoint(session->runFolder() / "last.pt", *model, nullptr, false);
    EXPECT_EQ(progress.epochsDone, finished.epochsDone);
    for (const auto& parameter : model->parameters()) {
        EXPECT_TRUE(torch::isfinite(parameter).all().item<bool>());
    }
}

TEST_F(TrainerTest, ResumingACompletedOrUnknownRunIsRefusedClearly) {
    auto session = runs::TrainingSession::create(project, testing::tinyTrainOptions(1));
    NullObserver none;
    session->run(none);
    EXPECT_THROW(runs::TrainingSession::resume(project, session->runId()), Error);
    try {
        runs::TrainingSession::resume(project, 999);
        FAIL();
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("999"), std::string::npos);
    }
}

TEST_F(TrainerTest, ZeroEpochsEvaluatesTheInitialWeights) {
    auto session = runs::TrainingSession::create(project, testing::tinyTrainOptions(0));
    NullObserver none;
    const TrainingFinished finished = session->run(none);
    ASSERT_EQ(finished.status, TrainingFinished::Status::Completed) << finished.reason;
    EXPECT_EQ(finished.epochsDone, 0);
    EXPECT_TRUE(finished.finalMetrics.count("val_accuracy"));
    EXPECT_TRUE(finished.finalMetrics.count("test_accuracy"));
    EXPECT_TRUE(std::filesystem::exists(session->runFolder() / "best.pt"));
}

class RememberStart : public NullObserver {
public:
    void started(const TrainingStarted& event) override { start = event; }
    TrainingStarted start;
};

TEST_F(TrainerTest, TorchvisionInitialWeightsAreLoadedReportedAndCheckpointed) {
    const auto reference = testing::writeTorchvisionModels(dir.path(), {"mobilenet_v3_small"});
    if (!reference.available) {
        GTEST_SKIP() << "no PyTorch reference: " << reference.problem;
    }
    TrainOptions options = testing::tinyTrainOptions(0);
    options.model = "mobilenet_v3_small";
    options.imageSize = 32;
    options.initWeights = dir / "mobilenet_v3_small.pth";
    auto session = runs::TrainingSession::create(project, options);
    RememberStart observer;
    const TrainingFinished finished = session->run(observer);
    ASSERT_EQ(finished.status, TrainingFinished::Status::Completed) << finished.reason;

    ASSERT_TRUE(observer.start.weightImport.has_value());
    const models::WeightImport& import = *observer.start.weightImport;
    EXPECT_GT(import.loaded, 100);
    EXPECT_TRUE(import.headReplaced); // 1000 ImageNet classes, 2 here
    EXPECT_EQ(import.fileClasses, 1000);
    EXPECT_TRUE(import.stemFolded); // RGB weights, gray images

    // The checkpoint holds the imported weights (the model was evaluated, not trained).
    auto model = models::createClassifier({"mobilenet_v3_small", 2, 1});
    loadCheckpoint(session->runFolder() / "best.pt", *model, nullptr, false);
    const auto file = models::readStateDict(options.initWeights);
    const auto parameters = model->named_parameters();
    int compared = 0;
    for (const auto& [name, tensor] : file) {
        const auto* mine = parameters.find(name);
        if (mine == nullptr || name.rfind(model->headName(), 0) == 0 ||
            name.rfind(model->stemName(), 0) == 0) {
            continue;
        }
        EXPECT_TRUE(torch::equal(*mine, tensor)) << name;
        ++compared;
    }
    EXPECT_GT(compared, 50);
}

} // namespace
} // namespace kestrel::train
