// The batch loader's detection targets: each row's boxes land on its white rectangle in the
// frame, letterboxed and through flips and quarter turns, padded to the batch's most boxes; a
// file of another size than its boxes were drawn on is reported, not boxed wrongly.
#include "common/error.h"
#include "images.h"
#include "loader/batch_loader.h"
#include "loader_batches.h"
#include "temp_dir.h"

#include <cmath>
#include <string>
#include <vector>

#include <ATen/Functions.h>
#include <ATen/TensorOperators.h>
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::loader {
namespace {

using kestrel::testing::TempDir;

// A 40 x 30 black PNG with a white rectangle per box (box i at its own place), boxes of
// class i % 3; image 2 has none.
std::vector<LoaderSample> rectangleSamples(const std::filesystem::path& folder, int count) {
    std::vector<LoaderSample> samples;
    for (int i = 0; i < count; ++i) {
        cv::Mat image = cv::Mat::zeros(30, 40, CV_8UC3);
        LoaderSample sample{(folder / ("boxes-" + std::to_string(i) + ".png")).string(), i % 2};
        sample.imageWidth = 40;
        sample.imageHeight = 30;
        const int boxes = i == 2 ? 0 : 1 + i % 2;
        for (int b = 0; b < boxes; ++b) {
            const cv::Rect rect(4 + 17 * b + i, 5 + 2 * i, 9 + b, 6 + i % 3);
            image(rect).setTo(cv::Scalar::all(255));
            sample.boxes.push_back(
                {b % 3,
                 {static_cast<double>(rect.x), static_cast<double>(rect.y),
                  static_cast<double>(rect.width), static_cast<double>(rect.height)}});
        }
        kestrel::testing::writeImage(sample.path, image);
        samples.push_back(sample);
    }
    return samples;
}

// How much of the frame's white lies in the row's boxes, and how much of the boxes is white.
void expectBoxesOnTheWhite(const Batch& batch, std::int64_t row) {
    const at::Tensor image = batch.images[row][0];
    const at::Tensor boxes = batch.boxes[row];
    at::Tensor inside = at::zeros_like(image, at::kBool);
    for (std::int64_t b = 0; b < boxes.size(0); ++b) {
        if (boxes[b][0].item<float>() < 0) {
            continue;
        }
        const auto x0 = static_cast<std::int64_t>(std::lround(boxes[b][1].item<float>()));
        const auto y0 = static_cast<std::int64_t>(std::lround(boxes[b][2].item<float>()));
        const auto x1 = static_cast<std::int64_t>(std::lround(boxes[b][3].item<float>()));
        const auto y1 = static_cast<std::int64_t>(std::lround(boxes[b][4].item<float>()));
        ASSERT_LT(x0, x1);
        ASSERT_LT(y0, y1);
        inside.slice(0, y0, y1).slice(1, x0, x1).fill_(true);
        // Most of each box is white (its edges are blended by the resize).
        EXPECT_GT(image.slice(0, y0, y1).slice(1, x0, x1).mean().item<float>(), 0.6f)
            << "row " << row << ", box " << b;
    }
    const at::Tensor white = image > 0.5;
    // No bright pixel outside every box.
    EXPECT_EQ((white & ~inside).sum().item<std::int64_t>(), 0) << "row " << row;
}

TEST(BatchLoaderBoxesTest, BoxesLandOnTheirPixelsLetterboxedAndAugmented) {
    TempDir dir;
    const auto samples = rectangleSamples(dir.path(), 6);
    LoaderOptions options;
    options.spec = {48, 48, 3, imaging::ImageSpec::Resize::Letterbox};
    options.batchSize = 4;
    options.workers = 2;
    options.shuffle = false;
    options.boxes = true;
    for (const bool augment : {false, true}) {
        options.augment = augment;
        options.augmentation.horizontalFlip = 0.5;
        options.augmentation.verticalFlip = 0.5;
        options.augmentation.rotate90 = 0.5;
        BatchLoader loader(samples, options);
        const auto batches = epochBatches(loader, 1);
        ASSERT_EQ(batches.size(), 2u);
        // The first batch holds image 2 (no boxes: padding only) and images with two boxes.
        ASSERT_TRUE(batches[0].boxes.defined());
        EXPECT_EQ(batches[0].boxes.sizes(), (at::IntArrayRef{4, 2, 5}));
        EXPECT_TRUE(batches[0].targets().is_same(batches[0].boxes));
        EXPECT_TRUE((batches[0].boxes[2].select(1, 0) == -1).all().item<bool>());
        for (const Batch& batch : batches) {
            for (std::int64_t row = 0; row < batch.images.size(0); ++row) {
                expectBoxesOnTheWhite(batch, row);
            }
        }
        if (!augment) {
            // Letterboxed 40 x 30 into 48: scale 1.2, 48 x 36 centred 6 rows down.
            const at::Tensor first = batches[0].boxes[0][0];
            EXPECT_FLOAT_EQ(first[1].item<float>(), 4 * 1.2f);
            EXPECT_FLOAT_EQ(first[2].item<float>(), 5 * 1.2f + 6);
            EXPECT_FLOAT_EQ(first[3].item<float>(), 13 * 1.2f);
        }
    }
}

TEST(BatchLoaderBoxesTest, AFileOfAnotherSizeThanItsBoxesIsReported) {
    TempDir dir;
    auto samples = rectangleSamples(dir.path(), 3);
    samples[1].imageWidth = 80; // drawn on a larger image than the file
    LoaderOptions options;
    options.spec = {32, 32, 1};
    options.batchSize = 3;
    options.shuffle = false;
    options.boxes = true;
    BatchLoader loader(samples, options);
    const auto batches = epochBatches(loader, 0);
    ASSERT_EQ(batches.size(), 1u);
    EXPECT_EQ(batches[0].indices, (std::vector<std::size_t>{0, 2}));
    ASSERT_EQ(loader.failures().size(), 1u);
    EXPECT_NE(loader.failures()[0].reason.find("boxes-1.png is 40 x 30 pixels"), std::string::npos)
        << loader.failures()[0].reason;

    options.masks = true; // a task uses one or the other
    EXPECT_THROW(BatchLoader(samples, options), Error);
}

} // namespace
} // namespace kestrel::loader
