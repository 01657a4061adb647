#include "annotations/rle.h"
#include "common/error.h"
#include "files.h"
#include "images.h"
#include "loader/batch_loader.h"
#include "loader/epoch_order.h"
#include "loader/loader_throughput.h"
#include "temp_dir.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <thread>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>
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

    static std::vector<Batch> epoch(BatchLoader& loader, std::int64_t number) {
        loader.startEpoch(number);
        std::vector<Batch> batches;
        while (auto batch = loader.next()) {
            batches.push_back(std::move(*batch));
        }
        return batches;
    }

    static std::vector<std::size_t> indicesOf(const std::vector<Batch>& batches) {
        std::vector<std::size_t> indices;
        for (const Batch& batch : batches) {
            indices.insert(indices.end(), batch.indices.begin(), batch.indices.end());
        }
        return indices;
    }

    static void expectSameBatches(const std::vector<Batch>& a, const std::vector<Batch>& b) {
        ASSERT_EQ(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            EXPECT_EQ(a[i].indices, b[i].indices) << "batch " << i;
            EXPECT_TRUE(a[i].images.equal(b[i].images)) << "batch " << i;
            EXPECT_TRUE(a[i].labels.equal(b[i].labels)) << "batch " << i;
            ASSERT_EQ(a[i].masks.defined(), b[i].masks.defined()) << "batch " << i;
            if (a[i].masks.defined()) {
                EXPECT_TRUE(a[i].masks.equal(b[i].masks)) << "batch " << i;
            }
        }
    }

    // Segmentation samples: black 36 x 28 PNGs, each with a white rectangle in its own place,
    // and that rectangle as a polygon region of class 1 + index % 3.
    static constexpr int kSquareWidth = 36;
    static constexpr int kSquareHeight = 28;

    static cv::Rect squareOf(int i) {
        return {3 + (i * 5) % 14, 2 + (i * 3) % 10, 11 + i % 4, 9 + i % 3};
    }

    static imaging::ClassRegion rectangleRegion(const cv::Rect& rect, int value) {
        imaging::ClassRegion region;
        region.value = value;
        region.shape.kind = annotations::ShapeKind::Polygon;
        const double left = rect.x, top = rect.y, right = rect.x + rect.width,
                     bottom = rect.y + rect.height;
        region.shape.points = {{left, top}, {right, top}, {right, bottom}, {left, bottom}};
        return region;
    }

    std::vector<LoaderSample> makeSquareSamples(int count) {
        std::vector<LoaderSample> samples;
        for (int i = 0; i < count; ++i) {
            const auto file = dir / ("square-" + std::to_string(i) + ".png");
            cv::Mat image = cv::Mat::zeros(kSquareHeight, kSquareWidth, CV_8UC3);
            image(squareOf(i)).setTo(cv::Scalar::all(255));
            kestrel::testing::writeImage(file, image);
            LoaderSample sample{file.string(), i % 2};
            sample.regions = {rectangleRegion(squareOf(i), 1 + i % 3)};
            sample.imageWidth = kSquareWidth;
            sample.imageHeight = kSquareHeight;
            samples.push_back(std::move(sample));
        }
        return samples;
    }

    static LoaderOptions maskOptions() {
        LoaderOptions options;
        options.spec = {24, 20, 3}; // neither size divides the files'
        options.batchSize = 4;
        options.workers = 2;
        options.seed = 77;
        options.masks = true;
        return options;
    }

    static imaging::AugmentOptions flipsAndCrop() {
        imaging::AugmentOptions augmentation;
        augmentation.horizontalFlip = 0.5;
        augmentation.verticalFlip = 0.5;
        augmentation.resizedCrop.probability = 1.0;
        augmentation.resizedCrop.minScale = 0.5;
        return augmentation;
    }

    // Row `row`'s pixels whose red value is over half, and whose class is `value`, as 0/255.
    static cv::Mat brightPixels(const Batch& batch, std::int64_t row) {
        const at::Tensor red = batch.images[row][0].contiguous();
        const cv::Mat plane(static_cast<int>(red.size(0)), static_cast<int>(red.size(1)), CV_32F,
                            red.data_ptr<float>());
        return plane > 0.5f;
    }
    static cv::Mat classPixels(const Batch& batch, std::int64_t row, int value) {
        const at::Tensor classes = batch.masks[row].to(at::kInt).contiguous();
        const cv::Mat plane(static_cast<int>(classes.size(0)), static_cast<int>(classes.size(1)),
                            CV_32S, classes.data_ptr<int>());
        return plane == value;
    }

    // Each set pixel of one lies within one pixel of a set pixel of the other.
    static bool nearlyTheSamePixels(const cv::Mat& a, const cv::Mat& b) {
        cv::Mat grownA;
        cv::Mat grownB;
        cv::dilate(a, grownA, cv::Mat());
        cv::dilate(b, grownB, cv::Mat());
        return cv::countNonZero(a & ~grownB) == 0 && cv::countNonZero(b & ~grownA) == 0;
    }
};

TEST_F(ImagingLoaderTest, CoversEverySampleExactlyOncePerEpoch) {
    const auto samples = makeSamples(23);
    BatchLoader loader(samples, smallOptions());
    ASSERT_EQ(loader.batchesPerEpoch(), 5u);
    for (std::int64_t e = 0; e < 2; ++e) {
        const auto batches = epoch(loader, e);
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
        auto indices = indicesOf(batches);
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
    const auto batches = epoch(loader, 0);
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
        expectSameBatches(epoch(one, e), epoch(three, e));
    }
}

TEST_F(ImagingLoaderTest, EpochsShuffleDifferentlyAndSeedsMatter) {
    const auto samples = makeSamples(20);
    auto options = smallOptions();
    BatchLoader loader(samples, options);
    const auto first = indicesOf(epoch(loader, 0));
    const auto second = indicesOf(epoch(loader, 1));
    EXPECT_NE(first, second);
    EXPECT_EQ(indicesOf(epoch(loader, 0)), first);

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
    EXPECT_EQ(epoch(loader, 1).size(), 30u);
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
    const auto first = epoch(loader, 0);
    EXPECT_EQ(loader.decodeCount(), 12u);
    EXPECT_EQ(loader.cachedImages(), 12u);

    for (const LoaderSample& sample : samples) {
        std::filesystem::remove(sample.path);
    }
    const auto second = epoch(loader, 1);
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
    epoch(loader, 0);
    epoch(loader, 1);
    EXPECT_EQ(loader.decodeCount(), 24u);
}

TEST_F(ImagingLoaderTest, UnreadableSampleIsReportedOnceAndSkipped) {
    auto samples = makeSamples(10);
    const auto broken = dir / "broken.png";
    kestrel::testing::writeBytes(broken, "not an image");
    samples.push_back({broken.string(), 0});
    BatchLoader loader(samples, smallOptions());
    for (std::int64_t e = 0; e < 2; ++e) {
        const auto indices = indicesOf(epoch(loader, e));
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
        for (const Batch& batch : epoch(loader, e)) {
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
    const auto batches = epoch(loader, 0);
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
        for (const Batch& batch : epoch(loader, e)) {
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
    EXPECT_TRUE(epoch(loader, 0).empty());
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

TEST_F(ImagingLoaderTest, MasksLieOnThePaintedSquaresWithAndWithoutAugmentation) {
    const auto samples = makeSquareSamples(10);
    for (const bool augment : {false, true}) {
        for (const auto resize :
             {imaging::ImageSpec::Resize::Stretch, imaging::ImageSpec::Resize::Letterbox}) {
            SCOPED_TRACE(
                std::string(augment ? "augmented" : "plain") +
                (resize == imaging::ImageSpec::Resize::Stretch ? ", stretch" : ", letterbox"));
            auto options = maskOptions();
            options.spec.resize = resize;
            options.augment = augment;
            options.augmentation = flipsAndCrop();
            BatchLoader loader(samples, options);
            for (std::int64_t e = 0; e < 2; ++e) { // the second from the cache
                std::size_t rows = 0;
                for (const Batch& batch : epoch(loader, e)) {
                    ASSERT_TRUE(batch.masks.defined());
                    ASSERT_EQ(batch.masks.scalar_type(), at::kLong);
                    ASSERT_EQ(batch.masks.dim(), 3);
                    EXPECT_EQ(batch.masks.size(0), batch.images.size(0));
                    EXPECT_EQ(batch.masks.size(1), 20);
                    EXPECT_EQ(batch.masks.size(2), 24);
                    EXPECT_TRUE(batch.targets().is_same(batch.masks));
                    for (std::size_t row = 0; row < batch.indices.size(); ++row) {
                        const auto r = static_cast<std::int64_t>(row);
                        const int value = 1 + static_cast<int>(batch.indices[row]) % 3;
                        const cv::Mat classed = classPixels(batch, r, value);
                        const cv::Mat bright = brightPixels(batch, r);
                        EXPECT_EQ(cv::countNonZero(classed) +
                                      cv::countNonZero(classPixels(batch, r, 0)),
                                  20 * 24)
                            << "only background and the sample's class";
                        EXPECT_TRUE(nearlyTheSamePixels(bright, classed))
                            << "sample " << batch.indices[row] << ", epoch " << e;
                        EXPECT_GE(cv::countNonZero(bright & classed),
                                  cv::countNonZero(classed) * 2 / 3);
                        rows += cv::countNonZero(classed) > 0 ? 1 : 0;
                    }
                }
                EXPECT_GE(rows, 8u); // the squares are in view in most rows
            }
            EXPECT_EQ(loader.failureCount(), 0u);
        }
    }
}

TEST_F(ImagingLoaderTest, TrainingCropsCutImageAndMaskTogetherAroundTheDefects) {
    const auto samples = makeSquareSamples(12);
    auto options = maskOptions();
    options.augment = true;
    options.augmentation.horizontalFlip = 0.5;
    options.augmentation.verticalFlip = 0.5;
    options.cropSide = 8;
    options.defectCropShare = 1.0;
    BatchLoader loader(samples, options);
    for (std::int64_t e = 0; e < 2; ++e) {
        std::size_t rows = 0;
        for (const Batch& batch : epoch(loader, e)) {
            ASSERT_EQ(batch.images.size(2), 8);
            ASSERT_EQ(batch.images.size(3), 8);
            ASSERT_EQ(batch.masks.size(1), 8);
            ASSERT_EQ(batch.masks.size(2), 8);
            for (std::size_t row = 0; row < batch.indices.size(); ++row) {
                const auto r = static_cast<std::int64_t>(row);
                const int value = 1 + static_cast<int>(batch.indices[row]) % 3;
                const cv::Mat classed = classPixels(batch, r, value);
                // Every crop holds some of the square, and its mask lies on its pixels.
                EXPECT_GT(cv::countNonZero(classed), 0) << "sample " << batch.indices[row];
                EXPECT_TRUE(nearlyTheSamePixels(brightPixels(batch, r), classed))
                    << "sample " << batch.indices[row] << ", epoch " << e;
                ++rows;
            }
        }
        EXPECT_EQ(rows, samples.size());
    }

    // Evaluation ignores the crop: whole images.
    options.augment = false;
    BatchLoader evaluation(samples, options);
    for (const Batch& batch : epoch(evaluation, 0)) {
        EXPECT_EQ(batch.images.size(2), 20);
        EXPECT_EQ(batch.masks.size(2), 24);
    }
}

TEST_F(ImagingLoaderTest, ACropLargerThanTheImagesOrAShareOutsideZeroToOneIsRefused) {
    auto options = maskOptions();
    options.cropSide = 21; // the images are 24 x 20
    EXPECT_THROW(BatchLoader(makeSquareSamples(2), options), Error);
    options.cropSide = 16;
    options.defectCropShare = 1.5;
    EXPECT_THROW(BatchLoader(makeSquareSamples(2), options), Error);
}

TEST_F(ImagingLoaderTest, MaskedBatchesAreTheSameForOneAndTwoWorkers) {
    const auto samples = makeSquareSamples(11);
    auto options = maskOptions();
    options.augment = true;
    options.augmentation = flipsAndCrop();
    options.augmentation.colorJitter.probability = 0.5;
    options.workers = 1;
    BatchLoader one(samples, options);
    options.workers = 2;
    options.prefetchBatches = 1;
    BatchLoader two(samples, options);
    for (std::int64_t e = 0; e < 2; ++e) {
        SCOPED_TRACE(e);
        const auto batches = epoch(one, e);
        ASSERT_FALSE(batches.empty());
        EXPECT_TRUE(batches[0].masks.defined());
        expectSameBatches(batches, epoch(two, e));
    }
}

TEST_F(ImagingLoaderTest, WithoutMasksOptionTheBatchHasNoMasks) {
    auto options = maskOptions();
    options.masks = false;
    BatchLoader loader(makeSquareSamples(5), options);
    for (const Batch& batch : epoch(loader, 0)) {
        EXPECT_FALSE(batch.masks.defined());
        EXPECT_TRUE(batch.targets().is_same(batch.labels));
    }
}

TEST_F(ImagingLoaderTest, SampleWithoutRegionsHasAnAllBackgroundMask) {
    auto samples = makeSquareSamples(3);
    samples[1].regions.clear();
    samples[1].imageWidth = 0; // no size is needed to draw nothing
    samples[1].imageHeight = 0;
    auto options = maskOptions();
    options.shuffle = false;
    options.batchSize = 3;
    BatchLoader loader(samples, options);
    const auto batches = epoch(loader, 0);
    ASSERT_EQ(batches.size(), 1u);
    ASSERT_EQ(batches[0].indices.size(), 3u);
    EXPECT_EQ(batches[0].masks[1].count_nonzero().item<std::int64_t>(), 0);
    EXPECT_GT(batches[0].masks[0].count_nonzero().item<std::int64_t>(), 0);
    EXPECT_EQ(loader.failureCount(), 0u);
}

TEST_F(ImagingLoaderTest, SamplesWhoseTargetCannotBeDrawnAreReportedOnceAndSkipped) {
    auto samples = makeSquareSamples(8);
    samples[2].imageWidth = 0;                  // regions, but no size recorded
    samples[4].imageHeight = kSquareHeight + 1; // not the file's size
    imaging::ClassRegion wrongMask;
    wrongMask.shape.kind = annotations::ShapeKind::Mask;
    wrongMask.shape.mask = {kSquareWidth,
                            kSquareHeight - 1,
                            {static_cast<std::uint32_t>(kSquareWidth * (kSquareHeight - 1))}};
    samples[6].regions.push_back(wrongMask); // RLE of another size
    BatchLoader loader(samples, maskOptions());
    for (std::int64_t e = 0; e < 2; ++e) {
        auto indices = indicesOf(epoch(loader, e));
        std::sort(indices.begin(), indices.end());
        EXPECT_EQ(indices, (std::vector<std::size_t>{0, 1, 3, 5, 7}));
    }
    auto failures = loader.failures();
    ASSERT_EQ(failures.size(), 3u);
    std::sort(failures.begin(), failures.end(),
              [](const LoaderFailure& a, const LoaderFailure& b) { return a.index < b.index; });
    const std::vector<std::pair<std::size_t, std::string>> expected = {
        {2, "no recorded size"}, {4, "36 x 29"}, {6, "36 x 27"}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const LoaderFailure& failure = failures[i];
        EXPECT_EQ(failure.index, expected[i].first);
        EXPECT_EQ(failure.path, samples[failure.index].path);
        EXPECT_NE(failure.reason.find(samples[failure.index].path), std::string::npos)
            << failure.reason;
        EXPECT_NE(failure.reason.find(expected[i].second), std::string::npos) << failure.reason;
    }
}

TEST_F(ImagingLoaderTest, MasksAreCachedBesideTheImages) {
    const auto samples = makeSquareSamples(6);
    auto options = maskOptions();
    options.shuffle = false;
    options.cacheBudgetBytes = 24 * 20 * 3 * 6; // room for the images alone
    EXPECT_FALSE(BatchLoader(samples, options).cacheEnabled());
    options.cacheBudgetBytes = 24 * 20 * 4 * 6; // and their masks
    BatchLoader loader(samples, options);
    ASSERT_TRUE(loader.cacheEnabled());
    const auto first = epoch(loader, 0);
    for (const LoaderSample& sample : samples) {
        std::filesystem::remove(sample.path);
    }
    expectSameBatches(first, epoch(loader, 1));
    EXPECT_EQ(loader.decodeCount(), 6u);
    EXPECT_EQ(loader.failureCount(), 0u);
}

// Runs on GPU machines (scripts/gpu_check.sh); CI has no GPU.
TEST_F(ImagingLoaderTest, PinMemoryWithCudaPinsTheMasksToo) {
    if (!torch::cuda::is_available()) {
        GTEST_SKIP() << "no CUDA device";
    }
    auto options = maskOptions();
    options.pinMemory = true;
    BatchLoader loader(makeSquareSamples(6), options);
    ASSERT_TRUE(loader.pinsMemory());
    for (const Batch& batch : epoch(loader, 0)) {
        ASSERT_TRUE(batch.masks.is_pinned());
        EXPECT_TRUE(batch.masks.to(at::kCUDA, /*non_blocking=*/true).cpu().equal(batch.masks));
    }
}

} // namespace
} // namespace kestrel::loader
