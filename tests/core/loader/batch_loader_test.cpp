#include "common/error.h"
#include "files.h"
#include "images.h"
#include "loader/batch_loader.h"
#include "loader/epoch_order.h"
#include "loader/loader_throughput.h"
#include "loader_batches.h"
#include "temp_dir.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <thread>

#include <gtest/gtest.h>
#include <torch/cuda.h>

namespace kestrel::loader {
namespace {

using kestrel::testing::TempDir;

// A dataset of small PNGs whose red value is the sample's index, so a batch row can be
// traced back to the file it came from.
class ImagingLoaderTest : public ::testing::Test {
protected:
    TempDir dir;

    std::vector<LoaderSample> makeSamples(int count, int classes = 3) {
        std::vector<LoaderSample> samples;
        for (int i = 0; i < count; ++i) {
            const auto file = dir / ("sample-" + std::to_string(i) + ".png");
            const int label = i % classes;
            kestrel::testing::writeImage(
                file, kestrel::testing::solidBgr(8, 8, {7, 40.0 * label, 1.0 * i}));
            samples.push_back({file.string(), label});
        }
        return samples;
    }

    static LoaderOptions smallOptions() {
        LoaderOptions options;
        options.spec = {8, 8, 3};
        options.batchSize = 5;
        options.workers = 2;
        options.seed = 1234;
        return options;
    }
};

TEST_F(ImagingLoaderTest, CoversEverySampleExactlyOncePerEpoch) {
    const auto samples = makeSamples(23);
    BatchLoader loader(samples, smallOptions());
    ASSERT_EQ(loader.batchesPerEpoch(), 5u);
    for (std::int64_t e = 0; e < 2; ++e) {
        const auto batches = epochBatches(loader, e);
        ASSERT_EQ(batches.size(), 5u);
        EXPECT_EQ(batches.back().indices.size(), 3u);
        for (std::size_t b = 0; b < batches.size(); ++b) {
            const Batch& batch = batches[b];
            EXPECT_EQ(batch.number, static_cast<std::int64_t>(b));
            EXPECT_EQ(batch.epoch, e);
            ASSERT_EQ(batch.images.dim(), 4);
            EXPECT_EQ(batch.images.size(1), 3);
            EXPECT_EQ(batch.images.size(2), 8);
            EXPECT_EQ(batch.images.scalar_type(), at::kFloat);
            EXPECT_EQ(batch.labels.scalar_type(), at::kLong);
            for (std::size_t row = 0; row < batch.indices.size(); ++row) {
                const auto index = batch.indices[row];
                const auto r = static_cast<std::int64_t>(row);
                // Channel 0 is red, which holds the index; the label matches the sample.
                EXPECT_FLOAT_EQ(batch.images[r][0][4][4].item<float>() * 255.0f,
                                static_cast<float>(index));
                EXPECT_EQ(batch.labels[r].item<std::int64_t>(), samples[index].label);
            }
        }
        auto indices = batchIndices(batches);
        std::sort(indices.begin(), indices.end());
        std::vector<std::size_t> expected(23);
        std::iota(expected.begin(), expected.end(), std::size_t{0});
        EXPECT_EQ(indices, expected);
    }
}

TEST_F(ImagingLoaderTest, DropLastLeavesOutTheShortBatch) {
    auto options = smallOptions();
    options.dropLast = true;
    BatchLoader loader(makeSamples(23), options);
    const auto batches = epochBatches(loader, 0);
    ASSERT_EQ(batches.size(), 4u);
    for (const Batch& batch : batches) {
        EXPECT_EQ(batch.images.size(0), 5);
    }
}

TEST_F(ImagingLoaderTest, SameSeedGivesIdenticalBatchesWithOneAndThreeWorkers) {
    const auto samples = makeSamples(17);
    auto options = smallOptions();
    options.augment = true;
    options.augmentation = imaging::AugmentOptions::standard();
    options.augmentation.noise.probability = 0.5;
    options.workers = 1;
    BatchLoader one(samples, options);
    options.workers = 3;
    options.prefetchBatches = 2;
    BatchLoader three(samples, options);
    for (std::int64_t e = 0; e < 2; ++e) {
        SCOPED_TRACE(e);
        expectSameBatches(epochBatches(one, e), epochBatches(three, e));
    }
}

TEST_F(ImagingLoaderTest, EpochsShuffleDifferentlyAndSeedsMatter) {
    const auto samples = makeSamples(20);
    auto options = smallOptions();
    BatchLoader loader(samples, options);
    const auto first = batchIndices(epochBatches(loader, 0));
    const auto second = batchIndices(epochBatches(loader, 1));
    EXPECT_NE(first, second);
    EXPECT_EQ(batchIndices(epochBatches(loader, 0)), first);

    options.seed = 99;
    EXPECT_NE(epochOrder(samples, options, 0), first);
    options.shuffle = false;
    std::vector<std::size_t> inOrder(20);
    std::iota(inOrder.begin(), inOrder.end(), std::size_t{0});
    EXPECT_EQ(epochOrder(samples, options, 3), inOrder);
}

TEST_F(ImagingLoaderTest, StopMidEpochJoinsTheWorkersAndEndsTheEpoch) {
    const auto samples = makeSamples(60);
    auto options = smallOptions();
    options.batchSize = 2;
    options.workers = 3;
    options.prefetchBatches = 2;
    BatchLoader loader(samples, options);
    loader.startEpoch(0);
    ASSERT_TRUE(loader.next());
    loader.stop(); // workers are blocked on a full queue: stop must wake them
    EXPECT_FALSE(loader.next());
    loader.stop();

    // The loader is still usable, and destroying it mid-epoch joins cleanly.
    EXPECT_EQ(epochBatches(loader, 1).size(), 30u);
    loader.startEpoch(2);
    ASSERT_TRUE(loader.next());
}

TEST_F(ImagingLoaderTest, StopFromAnotherThreadWakesAWaitingConsumer) {
    const auto samples = makeSamples(30);
    auto options = smallOptions();
    options.batchSize = 1;
    BatchLoader loader(samples, options);
    loader.startEpoch(0);
    std::thread stopper([&] { loader.stop(); });
    std::size_t served = 0;
    while (loader.next()) {
        ++served;
    }
    stopper.join();
    EXPECT_LE(served, 30u);
}

TEST_F(ImagingLoaderTest, CachedSecondEpochReadsNoFiles) {
    const auto samples = makeSamples(12);
    auto options = smallOptions();
    options.shuffle = false;
    BatchLoader loader(samples, options);
    ASSERT_TRUE(loader.cacheEnabled());
    const auto first = epochBatches(loader, 0);
    EXPECT_EQ(loader.decodeCount(), 12u);
    EXPECT_EQ(loader.cachedImages(), 12u);

    for (const LoaderSample& sample : samples) {
        std::filesystem::remove(sample.path);
    }
    const auto second = epochBatches(loader, 1);
    expectSameBatches(first, second);
    EXPECT_EQ(loader.decodeCount(), 12u);
    EXPECT_EQ(loader.failureCount(), 0u);
}

TEST_F(ImagingLoaderTest, WithoutRoomForTheCacheEveryEpochDecodes) {
    const auto samples = makeSamples(12);
    auto options = smallOptions();
    options.cacheBudgetBytes = 8 * 8 * 3 * 11; // one image short
    BatchLoader loader(samples, options);
    EXPECT_FALSE(loader.cacheEnabled());
    epochBatches(loader, 0);
    epochBatches(loader, 1);
    EXPECT_EQ(loader.decodeCount(), 24u);
}

TEST_F(ImagingLoaderTest, UnreadableSampleIsReportedOnceAndSkipped) {
    auto samples = makeSamples(10);
    const auto broken = dir / "broken.png";
    kestrel::testing::writeBytes(broken, "not an image");
    samples.push_back({broken.string(), 0});
    BatchLoader loader(samples, smallOptions());
    for (std::int64_t e = 0; e < 2; ++e) {
        const auto indices = batchIndices(epochBatches(loader, e));
        EXPECT_EQ(indices.size(), 10u);
        EXPECT_EQ(std::count(indices.begin(), indices.end(), 10u), 0);
    }
    const auto failures = loader.failures();
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_EQ(failures[0].index, 10u);
    EXPECT_EQ(failures[0].path, broken.string());
    EXPECT_NE(failures[0].reason.find(broken.string()), std::string::npos) << failures[0].reason;
}

TEST_F(ImagingLoaderTest, ClassBalancedSamplingEvensOutANinetyTenDataset) {
    std::vector<LoaderSample> samples;
    for (int i = 0; i < 100; ++i) {
        samples.push_back({"unused-" + std::to_string(i), i < 90 ? 0 : 1});
    }
    auto options = smallOptions();
    options.classBalanced = true;
    std::size_t minority = 0;
    std::size_t draws = 0;
    for (std::int64_t e = 0; e < 10; ++e) {
        const auto order = epochOrder(samples, options, e);
        ASSERT_EQ(order.size(), 100u);
        draws += order.size();
        minority += static_cast<std::size_t>(
            std::count_if(order.begin(), order.end(), [](std::size_t i) { return i >= 90; }));
    }
    const double share = static_cast<double>(minority) / static_cast<double>(draws);
    EXPECT_GT(share, 0.4);
    EXPECT_LT(share, 0.6);
}

TEST_F(ImagingLoaderTest, ClassBalancedLoaderServesBalancedLabels) {
    std::vector<LoaderSample> samples = makeSamples(40, 1);
    for (std::size_t i = 36; i < samples.size(); ++i) {
        samples[i].label = 1; // 36 against 4
    }
    auto options = smallOptions();
    options.classBalanced = true;
    BatchLoader loader(samples, options);
    std::int64_t ones = 0;
    std::int64_t total = 0;
    for (std::int64_t e = 0; e < 5; ++e) {
        for (const Batch& batch : epochBatches(loader, e)) {
            ones += batch.labels.sum().item<std::int64_t>();
            total += batch.labels.size(0);
        }
    }
    EXPECT_EQ(total, 200);
    EXPECT_GT(ones, 60);
    EXPECT_LT(ones, 140);
}

TEST_F(ImagingLoaderTest, PinMemoryWithoutCudaIsIgnored) {
    auto options = smallOptions();
    options.pinMemory = true;
    BatchLoader loader(makeSamples(6), options);
    const auto batches = epochBatches(loader, 0);
    EXPECT_EQ(batches.size(), 2u);
    if (!loader.pinsMemory()) {
        EXPECT_FALSE(batches[0].images.is_pinned());
    }
}

// Runs on GPU machines (scripts/gpu_check.sh); CI has no GPU.
TEST_F(ImagingLoaderTest, PinMemoryWithCudaServesPinnedBatchesThatReachTheGpuUnchanged) {
    if (!torch::cuda::is_available()) {
        GTEST_SKIP() << "no CUDA device";
    }
    auto options = smallOptions();
    options.pinMemory = true;
    BatchLoader loader(makeSamples(12), options);
    ASSERT_TRUE(loader.pinsMemory());
    for (std::int64_t e = 0; e < 2; ++e) { // the second epoch comes from the decoded cache
        for (const Batch& batch : epochBatches(loader, e)) {
            ASSERT_TRUE(batch.images.is_pinned()) << "epoch " << e;
            const auto onGpu = batch.images.to(at::kCUDA, /*non_blocking=*/true);
            EXPECT_TRUE(onGpu.cpu().equal(batch.images)) << "epoch " << e;
        }
    }
}

TEST_F(ImagingLoaderTest, OptionsOutOfRangeAreRejected) {
    auto options = smallOptions();
    options.batchSize = 0;
    EXPECT_THROW(BatchLoader({}, options), Error);
    options = smallOptions();
    options.workers = 0;
    EXPECT_THROW(BatchLoader({}, options), Error);
    options = smallOptions();
    options.spec.channels = 4;
    EXPECT_THROW(BatchLoader({}, options), Error);
}

TEST_F(ImagingLoaderTest, NoSamplesMeansEmptyEpochs) {
    BatchLoader loader({}, smallOptions());
    EXPECT_EQ(loader.batchesPerEpoch(), 0u);
    EXPECT_FALSE(loader.next()); // before any epoch
    EXPECT_TRUE(epochBatches(loader, 0).empty());
    EXPECT_THROW(measureLoader({}, smallOptions(), 3), Error);
}

TEST_F(ImagingLoaderTest, MeasureLoaderCountsBatchesAcrossEpochs) {
    const auto samples = makeSamples(23);
    const LoaderThroughput result = measureLoader(samples, smallOptions(), 7);
    EXPECT_EQ(result.batches, 7);
    EXPECT_EQ(result.epochs, 2);
    EXPECT_EQ(result.images, 23 + 10);
    EXPECT_EQ(result.unreadable, 0u);
    EXPECT_GT(result.imagesPerSecond, 0.0);
    EXPECT_THROW(measureLoader(samples, smallOptions(), 0), Error);
}

} // namespace
} // namespace kestrel::loader
