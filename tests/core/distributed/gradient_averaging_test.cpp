// Data-parallel steps on two ranks against one process with the whole batch: the same
// weights after several optimizer steps, whatever weights rank 1 started with.
#include "distributed/gradient_averaging.h"
#include "rank_threads.h"

#include <memory>
#include <mutex>

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace kestrel::distributed {
namespace {

// Big enough for several gradient buckets (the first holds 1 MB), with one layer that the
// forward pass never uses.
struct WideNet : torch::nn::Module {
    WideNet() {
        first = register_module("first", torch::nn::Linear(64, 512));
        middle = register_module("middle", torch::nn::Linear(512, 600));
        last = register_module("last", torch::nn::Linear(600, 3));
        unused = register_module("unused", torch::nn::Linear(4, 4));
    }
    torch::Tensor forward(const torch::Tensor& x) {
        return last(torch::relu(middle(torch::relu(first(x)))));
    }
    torch::nn::Linear first{nullptr}, middle{nullptr}, last{nullptr}, unused{nullptr};
};

constexpr int kSteps = 4;
constexpr int kGlobalBatch = 8;

struct Data {
    torch::Tensor inputs;
    torch::Tensor labels;
};

Data makeData() {
    torch::manual_seed(5);
    return {torch::randn({kSteps * kGlobalBatch, 64}),
            torch::randint(0, 3, {kSteps * kGlobalBatch}, torch::kLong)};
}

// Trains `model` on rows [step x global + offset, + rows) of each step; returns the losses.
void train(WideNet& model, const Data& data, int offset, int rows, GradientAveraging* averaging) {
    torch::optim::SGD optimizer(model.parameters(), torch::optim::SGDOptions(0.05).momentum(0.9));
    for (int step = 0; step < kSteps; ++step) {
        const auto begin = step * kGlobalBatch + offset;
        const torch::Tensor loss = torch::nn::functional::cross_entropy(
            model.forward(data.inputs.narrow(0, begin, rows)), data.labels.narrow(0, begin, rows));
        optimizer.zero_grad();
        loss.backward();
        if (averaging) {
            averaging->finishBackward();
        }
        optimizer.step();
    }
}

std::vector<torch::Tensor> weightsOf(WideNet& model) {
    std::vector<torch::Tensor> weights;
    for (const auto& parameter : model.parameters()) {
        weights.push_back(parameter.detach().clone());
    }
    return weights;
}

TEST(GradientAveragingTest, TwoRanksWithHalfBatchesReachTheWeightsOfOneProcess) {
    const Data data = makeData();
    torch::manual_seed(11);
    WideNet single;
    const std::vector<torch::Tensor> initial = weightsOf(single);
    train(single, data, 0, kGlobalBatch, nullptr);
    const std::vector<torch::Tensor> expected = weightsOf(single);

    // Built here: the seed is global, and rank 1's must not disturb rank 0's draws.
    std::vector<std::shared_ptr<WideNet>> models;
    for (const int seed : {11, 99}) { // rank 1 starts elsewhere
        torch::manual_seed(seed);
        models.push_back(std::make_shared<WideNet>());
    }
    std::mutex mutex;
    std::vector<std::vector<torch::Tensor>> reached(2);
    std::vector<std::size_t> buckets(2);
    const auto failures = runRanks(2, [&](ProcessGroupSession& group) {
        WideNet& model = *models[static_cast<std::size_t>(group.rank())];
        GradientAveraging averaging(group, model);
        const int rows = kGlobalBatch / 2;
        train(model, data, group.rank() * rows, rows, &averaging);
        std::lock_guard lock(mutex);
        reached[static_cast<std::size_t>(group.rank())] = weightsOf(model);
        buckets[static_cast<std::size_t>(group.rank())] = averaging.bucketCount();
    });
    ASSERT_EQ(failures, std::vector<std::string>(2));
    EXPECT_GE(buckets[0], 2u);
    for (std::size_t rank = 0; rank < 2; ++rank) {
        ASSERT_EQ(reached[rank].size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            EXPECT_TRUE(torch::allclose(reached[rank][i], expected[i], 1e-5, 1e-6))
                << "rank " << rank << ", parameter " << i << " differs by "
                << (reached[rank][i] - expected[i]).abs().max().item<double>();
        }
    }
    // Trained, not merely copied: the weights moved.
    EXPECT_FALSE(torch::allclose(expected[0], initial[0]));
}

TEST(GradientAveragingTest, ARankThatStopsIsReportedByTheOthers) {
    const auto failures = runRanks(2, [](ProcessGroupSession& group) {
        // One sum first, so both ranks have joined: on a busy machine rank 1 could otherwise
        // leave while rank 0 is still connecting, which fails the join instead.
        group.sum({0.0});
        if (group.rank() == 1) {
            return; // leaves without its share of the next sum
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        group.sum({1.0});
    });
    EXPECT_EQ(failures[1], "");
    EXPECT_NE(failures[0].find("Rank 0 lost contact with the run's other ranks"), std::string::npos)
        << failures[0];
}

} // namespace
} // namespace kestrel::distributed
