// Synchronised batch norm on two ranks against one process with the whole batch: the same
// weights and running statistics after several steps; per-rank batch norm does not get there.
#include "distributed/batch_norm_sync.h"
#include "distributed/gradient_averaging.h"
#include "models/batch_norm.h"
#include "rank_threads.h"

#include <memory>
#include <mutex>

#include <gtest/gtest.h>
#include <torch/torch.h>

// Its own namespace: a unity batch may hold gradient_averaging_test.cpp's helpers too.
namespace kestrel::distributed::sync_batch_norm_test {
namespace {

// Two conv + batch norm + ReLU blocks, one with a stride, then a linear head.
struct NormNet : torch::nn::Module {
    NormNet() {
        conv1 = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 6, 3)));
        norm1 = register_module("norm1", models::BatchNorm2d(6));
        conv2 = register_module("conv2",
                                torch::nn::Conv2d(torch::nn::Conv2dOptions(6, 6, 3).stride(2)));
        norm2 = register_module("norm2", models::BatchNorm2d(6));
        head = register_module("head", torch::nn::Linear(6, 3));
    }
    torch::Tensor forward(const torch::Tensor& x) {
        auto y = torch::relu(norm1(conv1(x)));
        y = torch::relu(norm2(conv2(y)));
        return head(y.mean({2, 3}));
    }
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
    models::BatchNorm2d norm1{nullptr}, norm2{nullptr};
    torch::nn::Linear head{nullptr};
};

constexpr int kSteps = 4;
constexpr int kGlobalBatch = 8;

struct Data {
    torch::Tensor inputs;
    torch::Tensor labels;
};

// Each global batch's second half brighter and more contrasted than its first, so that the
// two ranks' shares have clearly different statistics.
Data makeData() {
    torch::manual_seed(5);
    torch::Tensor inputs = torch::randn({kSteps, kGlobalBatch, 3, 9, 9});
    inputs.narrow(1, kGlobalBatch / 2, kGlobalBatch / 2).mul_(2).add_(1);
    return {inputs.flatten(0, 1), torch::randint(0, 3, {kSteps * kGlobalBatch}, torch::kLong)};
}

void train(NormNet& model, const Data& data, int offset, int rows, GradientAveraging* averaging) {
    torch::optim::SGD optimizer(model.parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
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

// Parameters, then buffers (running means and variances, step counters), by name.
std::map<std::string, torch::Tensor> stateOf(NormNet& model) {
    std::map<std::string, torch::Tensor> state;
    for (const auto& item : model.named_parameters()) {
        state[item.key()] = item.value().detach().clone();
    }
    for (const auto& item : model.named_buffers()) {
        state[item.key()] = item.value().detach().clone();
    }
    return state;
}

struct Reached {
    std::map<std::string, torch::Tensor> single;
    std::vector<std::map<std::string, torch::Tensor>> ranks;
};

Reached trainBothWays(bool synchronised) {
    const Data data = makeData();
    torch::manual_seed(11);
    NormNet single;
    train(single, data, 0, kGlobalBatch, nullptr);
    Reached reached{stateOf(single), std::vector<std::map<std::string, torch::Tensor>>(2)};

    std::vector<std::shared_ptr<NormNet>> models;
    for (int rank = 0; rank < 2; ++rank) {
        torch::manual_seed(11);
        models.push_back(std::make_shared<NormNet>());
    }
    std::mutex mutex;
    const auto failures = runRanks(2, [&](ProcessGroupSession& group) {
        NormNet& model = *models[static_cast<std::size_t>(group.rank())];
        GradientAveraging averaging(group, model);
        if (synchronised) {
            EXPECT_EQ(synchroniseBatchNorms(model, group), 2u);
        }
        const int rows = kGlobalBatch / 2;
        train(model, data, group.rank() * rows, rows, &averaging);
        std::lock_guard lock(mutex);
        reached.ranks[static_cast<std::size_t>(group.rank())] = stateOf(model);
    });
    EXPECT_EQ(failures, std::vector<std::string>(2));
    return reached;
}

double largestDifference(const torch::Tensor& a, const torch::Tensor& b) {
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

TEST(SyncBatchNormTest, TwoRanksWithHalfBatchesReachTheWeightsAndStatisticsOfOneProcess) {
    const Reached reached = trainBothWays(true);
    for (std::size_t rank = 0; rank < 2; ++rank) {
        ASSERT_EQ(reached.ranks[rank].size(), reached.single.size());
        for (const auto& [name, expected] : reached.single) {
            const torch::Tensor& got = reached.ranks[rank].at(name);
            EXPECT_TRUE(expected.is_floating_point() ? torch::allclose(got, expected, 1e-4, 1e-5)
                                                     : torch::equal(got, expected))
                << "rank " << rank << ", " << name << " differs by "
                << largestDifference(got, expected);
        }
    }
    EXPECT_EQ(reached.single.at("norm1.num_batches_tracked").item<int64_t>(), kSteps);
    // The ranks' running statistics are the same numbers, not merely close.
    EXPECT_TRUE(torch::equal(reached.ranks[0].at("norm2.running_var"),
                             reached.ranks[1].at("norm2.running_var")));
}

TEST(SyncBatchNormTest, PerRankBatchNormDoesNotReachTheWeightsOfOneProcess) {
    const Reached reached = trainBothWays(false);
    // Each rank normalised by its own half's statistics: its running mean is its half's,
    // and the gradients, hence the weights, differ from the single process's.
    EXPECT_GT(largestDifference(reached.ranks[0].at("norm1.running_mean"),
                                reached.single.at("norm1.running_mean")),
              1e-2);
    EXPECT_GT(
        largestDifference(reached.ranks[0].at("conv1.weight"), reached.single.at("conv1.weight")),
        1e-3);
}

} // namespace
} // namespace kestrel::distributed::sync_batch_norm_test
