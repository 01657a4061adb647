// The batch loader's per-pixel class targets (segmentation): masks that lie on their images
// through every augmentation, training crops, caching and failures.
#include "annotations/rle.h"
#include "common/error.h"
#include "images.h"
#include "loader/batch_loader.h"
#include "loader_batches.h"
#include "temp_dir.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/cuda.h>

namespace kestrel::loader {
namespace {

using kestrel::testing::TempDir;

class ImagingMaskLoaderTest : public ::testing::Test {
protected:
    TempDir dir;

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

    // `scale` times larger files in `extension`'s format: JPEGs eight times larger are
    // decoded at 1/8 scale for the loader's 24 x 20 frame.
    std::vector<LoaderSample> makeSquareSamples(int count, int scale = 1,
                                                const std::string& extension = ".png") {
        std::vector<LoaderSample> samples;
        for (int i = 0; i < count; ++i) {
            const auto file = dir / ("square-" + std::to_string(i) + extension);
            const cv::Rect square(squareOf(i).tl() * scale, squareOf(i).size() * scale);
            cv::Mat image = cv::Mat::zeros(kSquareHeight * scale, kSquareWidth * scale, CV_8UC3);
            image(square).setTo(cv::Scalar::all(255));
            kestrel::testing::writeImage(file, image, {cv::IMWRITE_JPEG_QUALITY, 95});
            LoaderSample sample{file.string(), i % 2};
            sample.regions = {rectangleRegion(square, 1 + i % 3)};
            sample.imageWidth = kSquareWidth * scale;
            sample.imageHeight = kSquareHeight * scale;
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

TEST_F(ImagingMaskLoaderTest, MasksLieOnThePaintedSquaresWithAndWithoutAugmentation) {
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
                for (const Batch& batch : epochBatches(loader, e)) {
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

// Regions are drawn at the file's full size while its pixels come from a reduced decode: the
// two must still meet, stretched and letterboxed.
TEST_F(ImagingMaskLoaderTest, MasksLieOnTheSquaresOfJpegsDecodedAtAnEighth) {
    const auto samples = makeSquareSamples(10, 8, ".jpg");
    for (const auto resize :
         {imaging::ImageSpec::Resize::Stretch, imaging::ImageSpec::Resize::Letterbox}) {
        auto options = maskOptions();
        options.spec.resize = resize;
        BatchLoader loader(samples, options);
        for (const Batch& batch : epochBatches(loader, 0)) {
            for (std::size_t row = 0; row < batch.indices.size(); ++row) {
                const auto r = static_cast<std::int64_t>(row);
                const int value = 1 + static_cast<int>(batch.indices[row]) % 3;
                const cv::Mat classed = classPixels(batch, r, value);
                const cv::Mat bright = brightPixels(batch, r);
                EXPECT_GT(cv::countNonZero(classed), 0);
                EXPECT_TRUE(nearlyTheSamePixels(bright, classed))
                    << "sample " << batch.indices[row];
                EXPECT_GE(cv::countNonZero(bright & classed), cv::countNonZero(classed) * 2 / 3);
            }
        }
        EXPECT_EQ(loader.failureCount(), 0u);
    }
}

TEST_F(ImagingMaskLoaderTest, TrainingCropsCutImageAndMaskTogetherAroundTheDefects) {
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
        for (const Batch& batch : epochBatches(loader, e)) {
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
    for (const Batch& batch : epochBatches(evaluation, 0)) {
        EXPECT_EQ(batch.images.size(2), 20);
        EXPECT_EQ(batch.masks.size(2), 24);
    }
}

TEST_F(ImagingMaskLoaderTest, ACropLargerThanTheImagesOrAShareOutsideZeroToOneIsRefused) {
    auto options = maskOptions();
    options.cropSide = 21; // the images are 24 x 20
    EXPECT_THROW(BatchLoader(makeSquareSamples(2), options), Error);
    options.cropSide = 16;
    options.defectCropShare = 1.5;
    EXPECT_THROW(BatchLoader(makeSquareSamples(2), options), Error);
}

TEST_F(ImagingMaskLoaderTest, MaskedBatchesAreTheSameForOneAndTwoWorkers) {
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
        const auto batches = epochBatches(one, e);
        ASSERT_FALSE(batches.empty());
        EXPECT_TRUE(batches[0].masks.defined());
        expectSameBatches(batches, epochBatches(two, e));
    }
}

TEST_F(ImagingMaskLoaderTest, WithoutMasksOptionTheBatchHasNoMasks) {
    auto options = maskOptions();
    options.masks = false;
    BatchLoader loader(makeSquareSamples(5), options);
    for (const Batch& batch : epochBatches(loader, 0)) {
        EXPECT_FALSE(batch.masks.defined());
        EXPECT_TRUE(batch.targets().is_same(batch.labels));
    }
}

TEST_F(ImagingMaskLoaderTest, SampleWithoutRegionsHasAnAllBackgroundMask) {
    auto samples = makeSquareSamples(3);
    samples[1].regions.clear();
    samples[1].imageWidth = 0; // no size is needed to draw nothing
    samples[1].imageHeight = 0;
    auto options = maskOptions();
    options.shuffle = false;
    options.batchSize = 3;
    BatchLoader loader(samples, options);
    const auto batches = epochBatches(loader, 0);
    ASSERT_EQ(batches.size(), 1u);
    ASSERT_EQ(batches[0].indices.size(), 3u);
    EXPECT_EQ(batches[0].masks[1].count_nonzero().item<std::int64_t>(), 0);
    EXPECT_GT(batches[0].masks[0].count_nonzero().item<std::int64_t>(), 0);
    EXPECT_EQ(loader.failureCount(), 0u);
}

TEST_F(ImagingMaskLoaderTest, SamplesWhoseTargetCannotBeDrawnAreReportedOnceAndSkipped) {
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
        auto indices = batchIndices(epochBatches(loader, e));
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

TEST_F(ImagingMaskLoaderTest, MasksAreCachedBesideTheImages) {
    const auto samples = makeSquareSamples(6);
    auto options = maskOptions();
    options.shuffle = false;
    options.cacheBudgetBytes = 24 * 20 * 3 * 6; // room for the images alone
    EXPECT_FALSE(BatchLoader(samples, options).cacheEnabled());
    options.cacheBudgetBytes = 24 * 20 * 4 * 6; // and their masks
    BatchLoader loader(samples, options);
    ASSERT_TRUE(loader.cacheEnabled());
    const auto first = epochBatches(loader, 0);
    for (const LoaderSample& sample : samples) {
        std::filesystem::remove(sample.path);
    }
    expectSameBatches(first, epochBatches(loader, 1));
    EXPECT_EQ(loader.decodeCount(), 6u);
    EXPECT_EQ(loader.failureCount(), 0u);
}

// Runs on GPU machines (scripts/gpu_check.sh); CI has no GPU.
TEST_F(ImagingMaskLoaderTest, PinMemoryWithCudaPinsTheMasksToo) {
    if (!torch::cuda::is_available()) {
        GTEST_SKIP() << "no CUDA device";
    }
    auto options = maskOptions();
    options.pinMemory = true;
    BatchLoader loader(makeSquareSamples(6), options);
    ASSERT_TRUE(loader.pinsMemory());
    for (const Batch& batch : epochBatches(loader, 0)) {
        ASSERT_TRUE(batch.masks.is_pinned());
        EXPECT_TRUE(batch.masks.to(at::kCUDA, /*non_blocking=*/true).cpu().equal(batch.masks));
    }
}

} // namespace
} // namespace kestrel::loader
