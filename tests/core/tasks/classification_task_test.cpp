#include "common/error.h"
#include "common/task_kind.h"
#include "loader/loader_options.h"
#include "models/classifier.h"
#include "models/model_registry.h"
#include "tasks/classification_task.h"
#include "tasks/task.h"

#include <cmath>

#include <gtest/gtest.h>
#include <torch/nn/functional/loss.h>
#include <torch/torch.h>

namespace kestrel::tasks {
namespace {

TEST(TaskKindTest, EveryGradientTrainedKindHasOneTaskAndEveryNameRoundTrips) {
    for (const TaskKind kind : taskKinds()) {
        if (isGradientTrained(kind)) {
            EXPECT_EQ(taskFor(kind).kind(), kind);
        } else {
            // Anomaly detection is fitted (core/anomaly/): asking for its Task is a bug, said.
            EXPECT_THROW(taskFor(kind), Error);
        }
        EXPECT_EQ(parseTaskKind(toString(kind), "test"), kind);
    }
    EXPECT_EQ(toString(TaskKind::Classification), "classification");
    EXPECT_EQ(toString(TaskKind::Anomaly), "anomaly");
    EXPECT_FALSE(isGradientTrained(TaskKind::Anomaly));
}

TEST(TaskKindTest, AnUnknownNameIsRefusedNamingItsSourceAndTheKnownTasks) {
    try {
        parseTaskKind("segmentaton", "--task");
        FAIL() << "an unknown task was accepted";
    } catch (const Error& error) {
        const std::string message = error.what();
        EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument);
        EXPECT_NE(message.find("--task"), std::string::npos) << message;
        EXPECT_NE(message.find("\"segmentaton\""), std::string::npos) << message;
        EXPECT_NE(message.find("classification"), std::string::npos) << message;
    }
}

TEST(ClassificationTaskTest, BuildsEveryRegistryArchitecture) {
    const Task& task = taskFor(TaskKind::Classification);
    const auto names = task.architectures();
    ASSERT_EQ(names.size(), models::architectures().size());
    torch::manual_seed(0);
    const auto model = task.createModel({"smallcnn", 3, 1});
    model->eval();
    const auto logits = model->forward(torch::rand({2, 1, 28, 28}));
    EXPECT_EQ(logits.sizes(), (std::vector<std::int64_t>{2, 3}));
    EXPECT_THROW(task.createModel({"no-such-net", 3, 1}), Error);
}

TEST(ClassificationTaskTest, LossIsCrossEntropyWithLabelSmoothing) {
    const Task& task = taskFor(TaskKind::Classification);
    torch::manual_seed(3);
    const auto logits = torch::randn({6, 4});
    const auto labels = torch::tensor(std::vector<std::int64_t>{0, 1, 2, 3, 1, 1});
    const auto loss = task.createLoss({0.1, false}, {}, 4, torch::kCPU);
    const auto expected = torch::nn::functional::cross_entropy(
        logits, labels, torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(0.1));
    EXPECT_NEAR((*loss)(logits, labels).item<double>(), expected.item<double>(), 1e-6);
}

TEST(ClassificationTaskTest, ClassWeightsFollowTheInverseFrequencyOfTheTrainingLabels) {
    const Task& task = taskFor(TaskKind::Classification);
    // Three samples of class 0 and one of class 1: weights 4 / (2 x 3) and 4 / (2 x 1).
    std::vector<loader::LoaderSample> train(4);
    train[0].label = train[1].label = train[2].label = 0;
    train[3].label = 1;
    const double common = 4.0 / 6.0;
    const double rare = 2.0;
    const auto logits = torch::tensor(std::vector<float>{0, 0, 2, 0}).reshape({2, 2});
    const auto labels = torch::tensor(std::vector<std::int64_t>{1, 0});
    const double rareLoss = std::log(2.0);                  // logits (0, 0), label 1
    const double commonLoss = std::log(1 + std::exp(-2.0)); // logits (2, 0), label 0
    const auto weighted = task.createLoss({0.0, true}, train, 2, torch::kCPU);
    EXPECT_NEAR((*weighted)(logits, labels).item<double>(),
                (rare * rareLoss + common * commonLoss) / (rare + common), 1e-5);
    const auto plain = task.createLoss({0.0, false}, train, 2, torch::kCPU);
    EXPECT_NEAR((*plain)(logits, labels).item<double>(), (rareLoss + commonLoss) / 2, 1e-5);
}

TEST(ClassificationTaskTest, CountsCorrectRowsByTheLargestOutput) {
    const Task& task = taskFor(TaskKind::Classification);
    const auto outputs =
        torch::tensor(std::vector<float>{0.1F, 0.9F, 0.8F, 0.2F, 0.3F, 0.7F}).reshape({3, 2});
    EXPECT_EQ(task.countCorrect(outputs, torch::tensor(std::vector<std::int64_t>{1, 0, 0})), 2);
}

TEST(ClassificationTaskTest, MonitorsAccuracyByDefaultAndKnowsWhichWayIsBetter) {
    const Task& task = taskFor(TaskKind::Classification);
    EXPECT_EQ(task.monitorMetrics().front().name, "val_accuracy");
    EXPECT_TRUE(monitorMetric(task, "val_macro_f1").higherIsBetter);
    EXPECT_FALSE(monitorMetric(task, "val_loss").higherIsBetter);
    try {
        monitorMetric(task, "val_auc");
        FAIL() << "an unknown monitor was accepted";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("\"val_auc\""), std::string::npos);
    }
}

TEST(ClassificationTaskTest, MetricsNameEveryClassFigureAfterThePrefix) {
    const Task& task = taskFor(TaskKind::Classification);
    Evaluation evaluation;
    evaluation.loss = 0.5;
    evaluation.confusion = ConfusionMatrix(2);
    evaluation.confusion.add({0, 0, 1, 1}, {0, 1, 1, 1});
    evaluation.rocAuc = 0.75;
    const auto metrics = task.metrics(evaluation, {"ok", "scratch"}, "test_");
    EXPECT_DOUBLE_EQ(metrics.at("test_loss"), 0.5);
    EXPECT_DOUBLE_EQ(metrics.at("test_accuracy"), 0.75);
    EXPECT_DOUBLE_EQ(metrics.at("test_recall/ok"), 0.5);
    EXPECT_DOUBLE_EQ(metrics.at("test_precision/scratch"), 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(metrics.at("test_roc_auc"), 0.75);
    EXPECT_EQ(metrics.count("val_loss"), 0U);
}

TEST(ClassificationTaskTest, TheHeadGivesProbabilitiesAndReviewScoresFollowThem) {
    const Task& task = taskFor(TaskKind::Classification);
    EXPECT_EQ(task.exportHead().outputName, "probabilities");
    const auto logits = torch::tensor(std::vector<float>{2, 1, 0, 0, 0, 5}).reshape({2, 3});
    const auto probabilities = task.applyHead(logits).contiguous();
    EXPECT_NEAR(probabilities.sum(1)[0].item<double>(), 1.0, 1e-6);
    const auto labels = torch::tensor(std::vector<std::int64_t>{1, 2});
    const auto scores = task.sampleScores(probabilities, labels, labels);
    ASSERT_EQ(scores.size(), 2U);
    const auto row = probabilities[0];
    EXPECT_EQ(scores[0].predicted, 0);
    EXPECT_EQ(scores[0].truth, 1);
    EXPECT_FLOAT_EQ(scores[0].confidence, row[0].item<float>());
    EXPECT_FLOAT_EQ(scores[0].margin, row[0].item<float>() - row[1].item<float>());
    EXPECT_FLOAT_EQ(scores[0].loss, -std::log(row[1].item<float>()));
    EXPECT_EQ(scores[1].predicted, 2);
    EXPECT_FLOAT_EQ(scores[1].truthProbability, scores[1].confidence);
}

} // namespace
} // namespace kestrel::tasks
