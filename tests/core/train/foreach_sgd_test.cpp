// ForeachSgd must be torch::optim::SGD, only faster: same updates for every option, and
// momentum state that survives a save and load through the same archive format.
#include "train/foreach_sgd.h"

#include <sstream>
#include <vector>

#include <gtest/gtest.h>
#include <torch/serialize.h>

namespace kestrel::train {
namespace {

std::vector<torch::Tensor> makeParameters() {
    torch::manual_seed(3);
    return {torch::randn({4, 3}).requires_grad_(), torch::randn({3}).requires_grad_(),
            torch::randn({2, 2, 3, 3}).requires_grad_()};
}

// A few steps on a fixed quadratic-ish loss; a parameter with no gradient must be skipped.
template <typename Optimizer>
std::vector<torch::Tensor> train(const torch::optim::SGDOptions& options, int steps,
                                 Optimizer* (*make)(std::vector<torch::Tensor>,
                                                    const torch::optim::SGDOptions&)) {
    auto parameters = makeParameters();
    auto unused = torch::randn({5}).requires_grad_();
    std::vector<torch::Tensor> all = parameters;
    all.push_back(unused);
    std::unique_ptr<Optimizer> optimizer(make(all, options));
    for (int step = 0; step < steps; ++step) {
        optimizer->zero_grad();
        torch::Tensor loss = torch::zeros({});
        for (const auto& parameter : parameters) {
            loss = loss + (parameter * parameter).sum() + parameter.sin().sum() * (step + 1);
        }
        loss.backward();
        optimizer->step();
    }
    return parameters;
}

template <typename Optimizer>
Optimizer* make(std::vector<torch::Tensor> parameters, const torch::optim::SGDOptions& options) {
    return new Optimizer(std::move(parameters), options);
}

void expectSameUpdates(const torch::optim::SGDOptions& options) {
    const auto reference = train<torch::optim::SGD>(options, 5, &make<torch::optim::SGD>);
    const auto fused = train<ForeachSgd>(options, 5, &make<ForeachSgd>);
    ASSERT_EQ(reference.size(), fused.size());
    for (std::size_t i = 0; i < reference.size(); ++i) {
        EXPECT_TRUE(torch::allclose(reference[i], fused[i], 1e-6, 1e-7)) << "parameter " << i;
        EXPECT_FALSE(torch::equal(reference[i], makeParameters()[i])) << "parameter " << i;
    }
}

TEST(ForeachSgdTest, PlainStepsMatchLibTorchSgd) {
    expectSameUpdates(torch::optim::SGDOptions(0.05));
}

TEST(ForeachSgdTest, MomentumWeightDecayAndDampeningMatchLibTorchSgd) {
    expectSameUpdates(
        torch::optim::SGDOptions(0.05).momentum(0.9).weight_decay(1e-2).dampening(0.1));
}

TEST(ForeachSgdTest, NesterovMatchesLibTorchSgd) {
    expectSameUpdates(
        torch::optim::SGDOptions(0.05).momentum(0.9).nesterov(true).weight_decay(5e-4));
}

TEST(ForeachSgdTest, MomentumBuffersRoundTripThroughLibTorchSgdArchives) {
    const auto options = torch::optim::SGDOptions(0.1).momentum(0.9);
    auto parameters = makeParameters();
    ForeachSgd saved(parameters, options);
    (parameters[0] * parameters[0]).sum().backward();
    saved.step();
    std::stringstream archive;
    torch::save(saved, archive);

    // Loaded by the stock optimizer: the buffer is where SGD looks for it.
    torch::optim::SGD loaded(parameters, options);
    torch::load(loaded, archive);
    const auto& state = loaded.state();
    ASSERT_EQ(state.size(), 1u);
    const auto& buffer =
        static_cast<const torch::optim::SGDParamState&>(*state.begin()->second).momentum_buffer();
    EXPECT_TRUE(torch::allclose(buffer, 2 * makeParameters()[0]));
}

} // namespace
} // namespace kestrel::train
