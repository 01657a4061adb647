// The trainer as two ranks (threads of this test, in a real c10d group): they take the same
// decisions from the same figures, stop together, and only rank 0 writes.
#include "rank_threads.h"
#include "runs/training_data.h"
#include "train/trainer.h"
#include "training_fixture.h"

#include <array>
#include <filesystem>
#include <mutex>
#include <set>

#include <gtest/gtest.h>

namespace kestrel::distributed {
namespace {

using kestrel::testing::TempDir;

// Each epoch's figures, and a cancel at the first batch of `cancelAt` (-1: never).
class RankObserver : public train::TrainingObserver {
public:
    void batchDone(const train::BatchDone& event) override {
        if (event.epoch == cancelAt && trainer) {
            trainer->cancel();
        }
    }
    void epochDone(const train::EpochDone& event) override {
        epochs.push_back(event.metrics);
        predictions.push_back(event.validationPredictions);
    }

    std::int64_t cancelAt = -1;
    train::Trainer* trainer = nullptr;
    std::vector<std::map<std::string, double>> epochs;
    std::vector<std::vector<train::SamplePrediction>> predictions; // validation's, per epoch
};

class DistributedTrainerTest : public ::testing::Test {
protected:
    // Trains on two ranks; rank r writes into folders[r].
    void trainTwoRanks(std::int64_t epochs, std::int64_t rankOneCancelsAt) {
        Project project = kestrel::testing::makeLeftRightProject(dir, 24);
        const auto data = runs::loadTrainingData(project, 5);
        validationSamples = data.data.validation.size();
        train::TrainOptions options = kestrel::testing::tinyTrainOptions(epochs);
        options.worldSize = 2;
        observers[1].cancelAt = rankOneCancelsAt;
        const auto failures = runRanks(2, [&](ProcessGroupSession& group) {
            const auto rank = static_cast<std::size_t>(group.rank());
            train::Trainer trainer(options, data.data, folders[rank], observers[rank]);
            observers[rank].trainer = &trainer;
            trainer.joinProcessGroup(group);
            finished[rank] = trainer.run();
        });
        ASSERT_EQ(failures, std::vector<std::string>(2));
    }

    static bool holdsCheckpoints(const std::filesystem::path& folder) {
        return std::filesystem::exists(train::Trainer::lastCheckpoint(folder)) ||
               std::filesystem::exists(train::Trainer::bestCheckpoint(folder));
    }

    TempDir dir;
    std::array<std::filesystem::path, 2> folders{dir / "rank0", dir / "rank1"};
    std::array<RankObserver, 2> observers;
    std::array<train::TrainingFinished, 2> finished;
    std::size_t validationSamples = 0;
};

TEST_F(DistributedTrainerTest, RanksSeeTheSameFiguresAndOnlyRankZeroWrites) {
    trainTwoRanks(3, -1);
    for (const auto& end : finished) {
        EXPECT_EQ(end.status, train::TrainingFinished::Status::Completed) << end.reason;
        EXPECT_EQ(end.epochsDone, 3);
    }
    ASSERT_EQ(observers[0].epochs.size(), 3u);
    ASSERT_EQ(observers[1].epochs.size(), 3u);
    for (std::size_t epoch = 0; epoch < 3; ++epoch) {
        // Each rank validates its shard and both combine the two shares alike, so every
        // validation figure is equal, exactly; the training figures are sums over both ranks.
        for (const auto& [name, value] : observers[0].epochs[epoch]) {
            if (name.rfind("val_", 0) == 0 || name.rfind("train_", 0) == 0) {
                EXPECT_EQ(value, observers[1].epochs[epoch].at(name))
                    << name << " in epoch " << epoch + 1;
            }
        }
        EXPECT_EQ(observers[0].epochs[epoch].size(), observers[1].epochs[epoch].size());
        // Both ranks' predictions cover the whole validation split, once each.
        for (const auto& observer : observers) {
            std::set<std::int64_t> samples;
            for (const auto& prediction : observer.predictions[epoch]) {
                samples.insert(prediction.sampleId);
            }
            EXPECT_EQ(observer.predictions[epoch].size(), validationSamples);
            EXPECT_EQ(samples.size(), validationSamples);
        }
    }
    EXPECT_EQ(finished[0].bestEpoch, finished[1].bestEpoch);
    EXPECT_TRUE(holdsCheckpoints(folders[0]));
    EXPECT_FALSE(holdsCheckpoints(folders[1]));
    EXPECT_TRUE(finished[0].test.has_value()); // rank 0 alone evaluates the test split
    EXPECT_FALSE(finished[1].test.has_value());
}

TEST_F(DistributedTrainerTest, ACancelOnOneRankStopsBothAtTheSameStep) {
    trainTwoRanks(4, 1);
    for (const auto& end : finished) {
        EXPECT_EQ(end.status, train::TrainingFinished::Status::Cancelled) << end.reason;
        EXPECT_EQ(end.epochsDone, 1);
    }
    EXPECT_EQ(finished[0].reason, "Cancelled in epoch 2; the checkpoint of epoch 1 is kept.");
    EXPECT_TRUE(holdsCheckpoints(folders[0]));
}

} // namespace
} // namespace kestrel::distributed
