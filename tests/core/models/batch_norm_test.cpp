// models::BatchNorm2d against LibTorch's: the same module where nothing synchronises it, and
// on one rank (a reducer that sums nothing) the same training step by its own arithmetic.
#include "common/error.h"
#include "models/batch_norm.h"
#include "models/model_registry.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

// Its own namespace: a unity batch may hold other model tests' helpers.
namespace kestrel::models::batch_norm_test {
namespace {

// One rank's sum is its own value; counts the calls that a second rank would have to match.
struct OneRank : BatchStatisticsReducer {
    void sumInPlace(at::Tensor&) override { ++calls; }
    int calls = 0;
};

// Weights, biases and running statistics away from their initial values, so that a mix-up
// between any of them shows.
void giveState(torch::nn::BatchNorm2dImpl& norm) {
    torch::NoGradGuard noGrad;
    torch::manual_seed(3);
    norm.weight.copy_(torch::rand({4}) + 0.5);
    norm.bias.copy_(torch::randn({4}));
    norm.running_mean.copy_(torch::randn({4}));
    norm.running_var.copy_(torch::rand({4}) + 0.5);
    norm.num_batches_tracked.fill_(7);
}

torch::Tensor images() {
    torch::manual_seed(8);
    return torch::randn({6, 4, 5, 3}) * 2 + 1;
}

TEST(BatchNormTest, EvalOutputIsTorchsBatchNorm2dsWithTheSameState) {
    BatchNorm2d ours(4);
    torch::nn::BatchNorm2d theirs(4);
    giveState(*ours);
    giveState(*theirs);
    ours->setBatchStatisticsReducer(std::make_shared<OneRank>()); // ignored in eval mode
    ours->eval();
    theirs->eval();
    const torch::Tensor x = images();
    EXPECT_TRUE(torch::equal(ours(x), theirs(x)));
    // Same parameter and buffer names, so checkpoints and torchvision files load unchanged.
    EXPECT_EQ(ours->named_parameters().keys(), theirs->named_parameters().keys());
    EXPECT_EQ(ours->named_buffers().keys(), theirs->named_buffers().keys());
}

TEST(BatchNormTest, WithoutAReducerTrainingIsTorchsBatchNorm2d) {
    BatchNorm2d ours(4);
    torch::nn::BatchNorm2d theirs(4);
    giveState(*ours);
    giveState(*theirs);
    const torch::Tensor x = images();
    EXPECT_TRUE(torch::equal(ours(x), theirs(x)));
    EXPECT_TRUE(torch::equal(ours->running_var, theirs->running_var));
}

// Output, every gradient and the running statistics of one training step of the
// synchronised arithmetic on one rank against LibTorch's batch norm.
void expectOneRankTrainsAsTorch(torch::nn::BatchNormOptions options) {
    BatchNorm2d ours(options);
    torch::nn::BatchNorm2d theirs(options);
    giveState(*ours);
    giveState(*theirs);
    auto rank = std::make_shared<OneRank>();
    ours->setBatchStatisticsReducer(rank);
    const torch::Tensor x = images();
    const torch::Tensor ourInput = x.clone().requires_grad_(true);
    const torch::Tensor theirInput = x.clone().requires_grad_(true);
    const torch::Tensor ourOutput = ours(ourInput);
    const torch::Tensor theirOutput = theirs(theirInput);
    const torch::Tensor upstream = torch::randn_like(x); // a loss that weighs every output
    (ourOutput * upstream).sum().backward();
    (theirOutput * upstream).sum().backward();
    EXPECT_EQ(rank->calls, 4); // the mean and the squares forward, their gradients backward

    EXPECT_TRUE(torch::allclose(ourOutput, theirOutput, 1e-4, 1e-5));
    EXPECT_TRUE(torch::allclose(ourInput.grad(), theirInput.grad(), 1e-4, 1e-5));
    EXPECT_TRUE(torch::allclose(ours->weight.grad(), theirs->weight.grad(), 1e-4, 1e-5));
    EXPECT_TRUE(torch::allclose(ours->bias.grad(), theirs->bias.grad(), 1e-4, 1e-5));
    EXPECT_TRUE(torch::allclose(ours->running_mean, theirs->running_mean, 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(ours->running_var, theirs->running_var, 1e-5, 1e-6));
    EXPECT_EQ(ours->num_batches_tracked.item<int64_t>(), 8);
}

TEST(BatchNormTest, OneRankThroughAReducerTrainsAsTorchsBatchNorm2d) {
    expectOneRankTrainsAsTorch(torch::nn::BatchNormOptions(4));
    expectOneRankTrainsAsTorch(torch::nn::BatchNormOptions(4).momentum(0.01).eps(1e-3));
    // momentum None: a cumulative average over the batches seen.
    expectOneRankTrainsAsTorch(torch::nn::BatchNormOptions(4).momentum(c10::nullopt));
}

TEST(BatchNormTest, EveryArchitecturesBatchNormsCanTakeAReducer) {
    torch::manual_seed(0);
    const auto rank = std::make_shared<OneRank>();
    const std::vector<ClassifierPtr> models = {
        createClassifier({"smallcnn", 3, 1}),
        createClassifier({"resnet18", 3, 3}),
        createClassifier({"mobilenet_v3_small", 3, 3}),
        createClassifier({"efficientnet_b0", 3, 3}),
        createSegmenter({"unet", 3, 3}),
        createSegmenter({"lraspp_mobilenet_v3_large", 3, 3}),
        createSegmenter({"deeplabv3_mobilenet_v3_large", 3, 3}),
        createDetector({"fcos_small", 1, 3}),
    };
    for (const auto& model : models) {
        EXPECT_GT(setBatchStatisticsReducer(*model, rank), 0u) << model->architecture();
    }
}

TEST(BatchNormTest, APlainTorchBatchNormIsRefusedRatherThanLeftPerRank) {
    torch::nn::Sequential model(BatchNorm2d(4), torch::nn::BatchNorm2d(4));
    try {
        setBatchStatisticsReducer(*model, std::make_shared<OneRank>());
        FAIL() << "a plain torch::nn::BatchNorm2d was accepted";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("\"1\""), std::string::npos) << error.what();
    }
}

} // namespace
} // namespace kestrel::models::batch_norm_test
