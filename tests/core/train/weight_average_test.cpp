// The moving average of the weights: its decay rule against hand-computed values, the swap
// in and out of the model, and its place in a checkpoint (the average as the model, the
// trained weights beside it for continuing).
#include "models/model_registry.h"
#include "temp_dir.h"
#include "train/checkpoint.h"
#include "train/weight_average.h"

#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/sgd.h>

namespace kestrel::train {
namespace {

// One weight, one bias and a batch norm: its running statistics average, its step counter
// (an integer buffer) does not.
struct Tiny : torch::nn::Module {
    Tiny() {
        linear = register_module("linear", torch::nn::Linear(1, 1));
        norm = register_module("norm", torch::nn::BatchNorm1d(1));
    }
    void set(double value) {
        torch::NoGradGuard noGrad;
        linear->weight.fill_(value);
        linear->bias.fill_(-value);
        norm->running_mean.fill_(value);
        norm->num_batches_tracked.fill_(static_cast<std::int64_t>(value));
    }
    torch::nn::Linear linear{nullptr};
    torch::nn::BatchNorm1d norm{nullptr};
};

double weightOf(const Tiny& model) {
    return model.linear->weight.item<double>();
}

TEST(WeightAverageTest, FollowsTheDecayRuleAndLeavesIntegerBuffersAlone) {
    Tiny model;
    model.set(0.0);
    WeightAverage average(model, 4.0);
    // Step 1: decay min(1 - 1/4, 2/11) = 2/11; step 2: min(3/4, 3/12) = 1/4; from step 30
    // on the horizon caps it: 3/4.
    model.set(1.0);
    average.update(1);
    double expected = 9.0 / 11.0;
    model.set(2.0);
    average.update(2);
    expected = 0.25 * expected + 0.75 * 2.0;
    model.set(3.0);
    average.update(100);
    expected = 0.75 * expected + 0.25 * 3.0;

    EXPECT_FALSE(average.averageInUse());
    average.useAverage();
    EXPECT_TRUE(average.averageInUse());
    EXPECT_NEAR(weightOf(model), expected, 1e-6);
    EXPECT_NEAR(model.linear->bias.item<double>(), -expected, 1e-6);
    EXPECT_NEAR(model.norm->running_mean.item<double>(), expected, 1e-6);
    EXPECT_EQ(model.norm->num_batches_tracked.item<std::int64_t>(), 3); // the trained one's

    average.useAverage(); // already in: nothing moves
    EXPECT_NEAR(weightOf(model), expected, 1e-6);
    average.useTrained();
    EXPECT_EQ(weightOf(model), 3.0);
    EXPECT_EQ(model.norm->running_mean.item<double>(), 3.0);
    average.useTrained();
    EXPECT_EQ(weightOf(model), 3.0);
}

TEST(WeightAverageTest, ARestartTrainsOnFromTheAverageWhicheverIsInTheModel) {
    for (const bool averageInUse : {false, true}) {
        Tiny model;
        model.set(0.0);
        WeightAverage average(model, 4.0);
        model.set(1.0);
        average.update(1); // the average: 9/11
        const torch::Tensor weight = model.linear->weight;
        if (averageInUse) {
            average.useAverage();
        }
        average.restartFromAverage();
        EXPECT_FALSE(average.averageInUse());
        EXPECT_NEAR(weightOf(model), 9.0 / 11.0, 1e-6);
        EXPECT_TRUE(weight.is_same(model.linear->weight)); // still the optimizer's tensor
        average.useAverage();
        EXPECT_NEAR(weightOf(model), 9.0 / 11.0, 1e-6); // the average is where it was
        average.useTrained();
        // Counted from the restart, the first step moves the average most of the way.
        model.set(2.0);
        average.update(1);
        average.useAverage();
        EXPECT_NEAR(weightOf(model), 2.0 / 11.0 * 9.0 / 11.0 + 9.0 / 11.0 * 2.0, 1e-6);
    }
}

TEST(WeightAverageTest, SwappingKeepsTheOptimizersTensors) {
    torch::manual_seed(3);
    auto model = models::createClassifier({"smallcnn", 3, 1});
    torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.5));
    WeightAverage average(*model, 10.0);
    const auto step = [&] {
        optimizer.zero_grad();
        model->forward(torch::rand({2, 1, 16, 16})).sum().backward();
        optimizer.step();
    };
    step();
    average.update(1);
    const torch::Tensor first = model->parameters().front();
    const torch::Tensor trained = first.detach().clone();
    average.useAverage();
    EXPECT_FALSE(torch::equal(first, trained)); // the average lags the step
    EXPECT_TRUE(first.is_same(model->parameters().front()));
    average.useTrained();
    EXPECT_TRUE(torch::equal(first, trained));
    step(); // the optimizer still steps the model's own tensors
    EXPECT_FALSE(torch::equal(model->parameters().front(), trained));
}

TEST(WeightAverageTest, ACheckpointKeepsTheAverageAsTheModelAndTheTrainedWeightsToContinue) {
    testing::TempDir dir;
    Tiny model;
    model.set(0.0);
    WeightAverage average(model, 2.0);
    model.set(4.0);
    average.update(50); // decay 1/2: the average is 2
    average.useAverage();
    saveCheckpoint(dir / "last.pt", model, nullptr, {}, &average);
    EXPECT_TRUE(average.averageInUse()); // saving leaves the model as it found it
    EXPECT_EQ(weightOf(model), 2.0);

    Tiny evaluated; // export, eval and predict load the average
    loadCheckpoint(dir / "last.pt", evaluated, nullptr, false);
    EXPECT_EQ(weightOf(evaluated), 2.0);

    Tiny continued; // a resumed run trains on from the trained weights
    WeightAverage continuedAverage(continued, 2.0);
    loadCheckpoint(dir / "last.pt", continued, nullptr, false, &continuedAverage);
    EXPECT_FALSE(continuedAverage.averageInUse());
    EXPECT_EQ(weightOf(continued), 4.0);
    EXPECT_EQ(continued.norm->running_mean.item<double>(), 4.0);
    continuedAverage.useAverage();
    EXPECT_EQ(weightOf(continued), 2.0);

    // A checkpoint without an average (a run from before it): both are the saved weights.
    model.set(7.0);
    saveCheckpoint(dir / "plain.pt", model, nullptr, {});
    Tiny fromPlain;
    WeightAverage plainAverage(fromPlain, 2.0);
    loadCheckpoint(dir / "plain.pt", fromPlain, nullptr, false, &plainAverage);
    EXPECT_EQ(weightOf(fromPlain), 7.0);
    plainAverage.useAverage();
    EXPECT_EQ(weightOf(fromPlain), 7.0);
}

} // namespace
} // namespace kestrel::train
