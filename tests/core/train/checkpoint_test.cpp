#include "common/error.h"
#include "files.h"
#include "models/model_registry.h"
#include "temp_dir.h"
#include "train/checkpoint.h"

#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/optim/sgd.h>

namespace kestrel::train {
namespace {

models::ClassifierPtr smallModel(std::uint64_t seed) {
    torch::manual_seed(seed);
    return models::createClassifier({"smallcnn", 3, 1});
}

bool sameWeights(torch::nn::Module& a, torch::nn::Module& b) {
    const auto first = a.named_parameters();
    const auto second = b.named_parameters();
    for (const auto& item : first) {
        if (!torch::equal(item.value(), second[item.key()])) {
            return false;
        }
    }
    return true;
}

TEST(CheckpointTest, RoundTripsModelOptimizerProgressAndRandomState) {
    testing::TempDir dir;
    auto model = smallModel(1);
    torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
    // One real step so the optimizer has momentum buffers to save.
    model->forward(torch::rand({2, 1, 16, 16})).sum().backward();
    optimizer.step();

    CheckpointProgress progress;
    progress.epochsDone = 3;
    progress.step = 42;
    progress.lossScale = {2048.0, 7};
    progress.bestMetric = 0.875;
    progress.bestEpoch = 2;
    progress.staleEpochs = 1;
    progress.bestLoss = 0.375;
    torch::manual_seed(99);
    saveCheckpoint(dir / "last.pt", *model, &optimizer, progress);
    const torch::Tensor expectedDraw = torch::rand({4});

    auto restored = smallModel(2);
    EXPECT_FALSE(sameWeights(*model, *restored));
    torch::optim::SGD restoredOptimizer(restored->parameters(),
                                        torch::optim::SGDOptions(0.1).momentum(0.9));
    torch::manual_seed(12345);
    const CheckpointProgress loaded =
        loadCheckpoint(dir / "last.pt", *restored, &restoredOptimizer, true);
    EXPECT_TRUE(sameWeights(*model, *restored));
    EXPECT_EQ(loaded.epochsDone, 3);
    EXPECT_EQ(loaded.step, 42);
    EXPECT_DOUBLE_EQ(loaded.lossScale.scale, 2048.0);
    EXPECT_EQ(loaded.lossScale.cleanSteps, 7);
    EXPECT_DOUBLE_EQ(loaded.bestMetric, 0.875);
    EXPECT_EQ(loaded.bestEpoch, 2);
    EXPECT_EQ(loaded.staleEpochs, 1);
    EXPECT_EQ(loaded.bestLoss, 0.375);
    // The generator continues exactly where it was when the checkpoint was written.
    EXPECT_TRUE(torch::equal(torch::rand({4}), expectedDraw));
    EXPECT_EQ(restoredOptimizer.state().size(), optimizer.state().size());
}

TEST(CheckpointTest, ATornPartialFileNeverReplacesTheLastGoodCheckpoint) {
    testing::TempDir dir;
    auto model = smallModel(1);
    saveCheckpoint(dir / "last.pt", *model, nullptr, {});
    const std::string good = testing::readBytes(dir / "last.pt");
    // A process killed mid-save leaves half a file under the temporary name only.
    testing::writeBytes(dir / "last.pt.partial", good.substr(0, good.size() / 2));
    auto restored = smallModel(2);
    EXPECT_NO_THROW(loadCheckpoint(dir / "last.pt", *restored, nullptr, false));
    EXPECT_TRUE(sameWeights(*model, *restored));

    // The next save overwrites the stale partial file and replaces the checkpoint whole.
    auto other = smallModel(3);
    saveCheckpoint(dir / "last.pt", *other, nullptr, {});
    EXPECT_FALSE(std::filesystem::exists(dir / "last.pt.partial"));
    loadCheckpoint(dir / "last.pt", *restored, nullptr, false);
    EXPECT_TRUE(sameWeights(*other, *restored));
}

TEST(CheckpointTest, ADamagedOrMissingFileIsOneClearError) {
    testing::TempDir dir;
    auto model = smallModel(1);
    saveCheckpoint(dir / "best.pt", *model, nullptr, {});
    const std::string bytes = testing::readBytes(dir / "best.pt");
    testing::writeBytes(dir / "torn.pt", bytes.substr(0, bytes.size() / 3));
    try {
        loadCheckpoint(dir / "torn.pt", *model, nullptr, false);
        FAIL() << "a torn checkpoint loaded";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::Corrupt);
        EXPECT_NE(std::string(error.what()).find("torn.pt"), std::string::npos) << error.what();
    }
    try {
        loadCheckpoint(dir / "absent.pt", *model, nullptr, false);
        FAIL() << "a missing checkpoint loaded";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::NotFound);
    }
    // A checkpoint of another shape (4 classes instead of 3) does not fit.
    torch::manual_seed(1);
    auto fourClasses = models::createClassifier({"smallcnn", 4, 1});
    EXPECT_THROW(loadCheckpoint(dir / "best.pt", *fourClasses, nullptr, false), Error);
}

} // namespace
} // namespace kestrel::train
