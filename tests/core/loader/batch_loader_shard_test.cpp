// Data-parallel shards of an epoch: each rank's batches are its slice of the batches one
// process would train on, augmented alike, and every sample goes to one rank at most; an
// evaluation's ranks take whole batches in turn and together serve every sample once.
#include "common/error.h"
#include "images.h"
#include "loader/batch_loader.h"
#include "loader/epoch_order.h"
#include "loader_batches.h"
#include "temp_dir.h"

#include <set>
#include <utility>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

namespace kestrel::loader {
namespace {

using kestrel::testing::TempDir;

class ShardedLoaderTest : public ::testing::Test {
protected:
    TempDir dir;

    // Small images that differ in every pixel row, so a flip or shift shows in the batch.
    std::vector<LoaderSample> makeSamples(int count) {
        std::vector<LoaderSample> samples;
        for (int i = 0; i < count; ++i) {
            const auto file = dir / ("plate-" + std::to_string(i) + ".png");
            cv::Mat image(12, 12, CV_8UC3);
            for (int y = 0; y < image.rows; ++y) {
                image.row(y).setTo(cv::Scalar(3 * i, 20 * y, 255 - 9 * y));
            }
            kestrel::testing::writeImage(file, image);
            samples.push_back({file.string(), i % 3});
        }
        return samples;
    }

    // Training's settings: shuffled, augmented, the short last batch dropped.
    static LoaderOptions trainingOptions(int batchSize) {
        LoaderOptions options;
        options.spec = {12, 12, 3};
        options.batchSize = batchSize;
        options.workers = 2;
        options.seed = 77;
        options.shuffle = true;
        options.dropLast = true;
        options.augment = true;
        options.augmentation.horizontalFlip = 0.5;
        options.augmentation.shift.probability = 0.7;
        options.augmentation.noise.probability = 0.5;
        return options;
    }

    std::vector<std::vector<Batch>> rankEpochs(const std::vector<LoaderSample>& samples,
                                               int rankBatch, int ranks, std::int64_t epoch) {
        std::vector<std::vector<Batch>> perRank;
        for (int rank = 0; rank < ranks; ++rank) {
            LoaderOptions options = trainingOptions(rankBatch);
            options.shard = {rank, ranks};
            BatchLoader loader(samples, options);
            perRank.push_back(epochBatches(loader, epoch));
        }
        return perRank;
    }
};

TEST_F(ShardedLoaderTest, RanksTogetherServeTheBatchesOfOneProcessWithTheGlobalBatch) {
    const auto samples = makeSamples(29);
    BatchLoader single(samples, trainingOptions(6));
    for (std::int64_t epoch = 0; epoch < 3; ++epoch) {
        const auto whole = epochBatches(single, epoch);
        ASSERT_EQ(whole.size(), 4u); // 29 / 6, the last 5 dropped
        const auto perRank = rankEpochs(samples, 3, 2, epoch);
        for (std::size_t b = 0; b < whole.size(); ++b) {
            ASSERT_EQ(perRank[0].size(), whole.size());
            ASSERT_EQ(perRank[1].size(), whole.size());
            std::vector<std::size_t> joined = perRank[0][b].indices;
            joined.insert(joined.end(), perRank[1][b].indices.begin(), perRank[1][b].indices.end());
            EXPECT_EQ(joined, whole[b].indices) << "epoch " << epoch << ", batch " << b;
            // The same augmentation for a sample, whichever rank draws it.
            const at::Tensor images = at::cat({perRank[0][b].images, perRank[1][b].images});
            EXPECT_TRUE(images.equal(whole[b].images)) << "epoch " << epoch << ", batch " << b;
        }
    }
}

TEST_F(ShardedLoaderTest, EverySampleGoesToOneRankAtMostAndTheRanksTakeEqualSteps) {
    const auto samples = makeSamples(31);
    std::vector<std::size_t> firstEpoch;
    for (std::int64_t epoch = 0; epoch < 2; ++epoch) {
        const auto perRank = rankEpochs(samples, 2, 3, epoch);
        std::multiset<std::size_t> seen;
        std::vector<std::size_t> order;
        for (const auto& batches : perRank) {
            EXPECT_EQ(batches.size(), 5u); // 31 / (2 x 3)
            for (const std::size_t index : batchIndices(batches)) {
                seen.insert(index);
                order.push_back(index);
            }
        }
        EXPECT_EQ(seen.size(), 30u);
        EXPECT_EQ(std::set<std::size_t>(seen.begin(), seen.end()).size(), seen.size())
            << "a sample was served twice in epoch " << epoch;
        if (epoch == 0) {
            firstEpoch = order;
        } else {
            EXPECT_NE(order, firstEpoch) << "the second epoch was not shuffled anew";
        }
    }
    // The same seed shards the same way again.
    std::vector<std::size_t> again;
    for (const auto& batches : rankEpochs(samples, 2, 3, 0)) {
        const auto indices = batchIndices(batches);
        again.insert(again.end(), indices.begin(), indices.end());
    }
    EXPECT_EQ(again, firstEpoch);
}

TEST_F(ShardedLoaderTest, ShardPositionsCutGlobalBatchesIntoRankSlices) {
    EXPECT_EQ(shardPositions(13, 2, {0, 3}), (std::vector<std::size_t>{0, 1, 6, 7}));
    EXPECT_EQ(shardPositions(13, 2, {2, 3}), (std::vector<std::size_t>{4, 5, 10, 11}));
    EXPECT_TRUE(shardPositions(5, 2, {1, 3}).empty()); // not one whole global batch
}

TEST_F(ShardedLoaderTest, ABadShardIsRefused) {
    const auto samples = makeSamples(4);
    LoaderOptions options = trainingOptions(2);
    options.shard = {2, 2};
    EXPECT_THROW(BatchLoader(samples, options), Error);
}

TEST_F(ShardedLoaderTest, AnEvaluationShardTakesWholeBatchesInTurnAndLeavesNoSampleOut) {
    // 11 samples in batches of 3: 0-2, 3-5, 6-8, 9-10; three ranks take 2, 1 and 1 batches.
    EXPECT_EQ(wholeBatchShardPositions(11, 3, {0, 3}), (std::vector<std::size_t>{0, 1, 2, 9, 10}));
    EXPECT_EQ(wholeBatchShardPositions(11, 3, {2, 3}), (std::vector<std::size_t>{6, 7, 8}));
    EXPECT_TRUE(wholeBatchShardPositions(2, 3, {1, 2}).empty()); // one batch, rank 0's

    const auto samples = makeSamples(11);
    LoaderOptions options;
    options.spec = {12, 12, 3};
    options.batchSize = 3;
    options.workers = 2;
    options.shuffle = false;
    options.dropLast = false;
    BatchLoader single(samples, options);
    const auto whole = epochBatches(single, 0);
    ASSERT_EQ(whole.size(), 4u);
    for (int ranks : {2, 3, 5}) {
        std::vector<Batch> joined(whole.size());
        for (int rank = 0; rank < ranks; ++rank) {
            options.shard = {rank, ranks};
            BatchLoader loader(samples, options);
            auto batches = epochBatches(loader, 0);
            ASSERT_EQ(batches.size(), loader.batchesPerEpoch()) << rank << " of " << ranks;
            for (std::size_t b = 0; b < batches.size(); ++b) {
                joined[static_cast<std::size_t>(rank) + b * static_cast<std::size_t>(ranks)] =
                    std::move(batches[b]);
            }
        }
        for (std::size_t b = 0; b < whole.size(); ++b) {
            EXPECT_EQ(joined[b].indices, whole[b].indices) << "batch " << b << " of " << ranks;
            ASSERT_TRUE(joined[b].images.defined()) << "batch " << b << " of " << ranks;
            EXPECT_TRUE(joined[b].images.equal(whole[b].images)) << "batch " << b;
        }
    }
}

} // namespace
} // namespace kestrel::loader
