#include "common/error.h"
#include "dataset/importer.h"
#include "images.h"
#include "project/project.h"
#include "temp_dir.h"
#include "train/default_settings.h"
#include "train/detection_defaults.h"
#include "train/segmentation_defaults.h"
#include "train/training_loaders.h"

#include <string>

#include <gtest/gtest.h>

namespace kestrel::train {
namespace {

DatasetShape shapeOf(std::int64_t smallest, std::int64_t largest) {
    DatasetShape shape;
    shape.trainSamples = smallest + largest;
    shape.classes = 2;
    shape.medianWidth = shape.medianHeight = 64;
    shape.smallestClass = smallest;
    shape.largestClass = largest;
    return shape;
}

TEST(DefaultSettingsTest, ImbalancedClassesGetClassWeightsAndTheDescriptionSaysWhy) {
    const TrainOptions imbalanced = defaultOptions(shapeOf(20, 500), "cpu");
    EXPECT_TRUE(imbalanced.classWeights);
    const std::string said = describeDefaults(imbalanced, shapeOf(20, 500));
    EXPECT_NE(said.find("Class weights on: the largest class has 25 times"), std::string::npos)
        << said;

    EXPECT_TRUE(defaultOptions(shapeOf(25, 100), "cpu").classWeights); // exactly 4 times
    const TrainOptions balanced = defaultOptions(shapeOf(30, 100), "cpu");
    EXPECT_FALSE(balanced.classWeights);
    EXPECT_EQ(describeDefaults(balanced, shapeOf(30, 100)).find("Class weights"),
              std::string::npos);
    EXPECT_FALSE(defaultOptions(DatasetShape{}, "cpu").classWeights); // no data yet
}

DatasetShape balancedShape(std::int64_t samples, int side) {
    DatasetShape shape;
    shape.trainSamples = samples;
    shape.classes = 4;
    shape.medianWidth = shape.medianHeight = side;
    shape.allGray = true;
    shape.smallestClass = shape.largestClass = samples / 4;
    return shape;
}

std::int64_t stepsOf(const TrainOptions& options, std::int64_t samples) {
    return options.epochs * (samples / options.batchSize); // the last partial batch is dropped
}

TEST(DefaultSettingsTest, SmallSetsGetEnoughStepsInSmallBatchesAndSaySo) {
    // The demo: 168 training images of 128 px.
    const DatasetShape demo = balancedShape(168, 128);
    const TrainOptions options = defaultOptions(demo, "cpu");
    EXPECT_EQ(options.batchSize, 16);
    EXPECT_GE(stepsOf(options, 168), 1800);
    EXPECT_LE(options.epochs, 200);
    EXPECT_EQ(options.imageSize, 80); // on a CPU the extra passes are paid in pixels
    EXPECT_DOUBLE_EQ(options.schedule.baseLr, 0.1 * 16 / 128); // linear scaling
    const std::string said = describeDefaults(options, demo);
    EXPECT_NE(said.find("a small set gets enough optimizer steps"), std::string::npos) << said;
    EXPECT_NE(said.find(std::to_string(stepsOf(options, 168)) + " steps"), std::string::npos)
        << said;

    // On a GPU the pixels are cheap: the image keeps its size.
    EXPECT_EQ(defaultOptions(demo, "cuda:0", std::string("smallcnn")).imageSize, 96);

    // Fewer images: as many steps as the epoch limit allows.
    const TrainOptions fewer = defaultOptions(balancedShape(126, 150), "cpu");
    EXPECT_EQ(fewer.epochs, 200);
    EXPECT_EQ(fewer.batchSize, 16);
}

TEST(DefaultSettingsTest, LargeSetsKeepTheirEpochsAndFullBatches) {
    // Fashion-MNIST's training split: 13 epochs of 128 at 28 px, as before step budgets.
    const TrainOptions fashion = defaultOptions(balancedShape(51000, 28), "cpu");
    EXPECT_EQ(fashion.epochs, 13);
    EXPECT_EQ(fashion.batchSize, 128);
    EXPECT_EQ(fashion.imageSize, 28);
    EXPECT_EQ(fashion.validateEvery, 1); // an epoch of Fashion-MNIST costs far more than validating
    EXPECT_EQ(describeDefaults(fashion, balancedShape(51000, 28)).find("small set"),
              std::string::npos);

    // In between, the batch shrinks until the epochs give the steps; no epoch is added.
    const TrainOptions middle = defaultOptions(balancedShape(5000, 64), "cpu");
    EXPECT_EQ(middle.epochs, 20);
    EXPECT_EQ(middle.batchSize, 32);
    EXPECT_GE(stepsOf(middle, 5000), 1800);
    EXPECT_EQ(middle.imageSize, 64);
}

TEST(DefaultSettingsTest, AHandfulOfImagesTrainsInBatchesItCanFillWithinTheEpochLimit) {
    const TrainOptions tiny = defaultOptions(balancedShape(12, 32), "cpu");
    EXPECT_EQ(tiny.batchSize, 12);
    EXPECT_EQ(tiny.epochs, 200);
    // Nothing imported yet: the limit does not apply to no data.
    const TrainOptions none = defaultOptions(DatasetShape{}, "cpu");
    EXPECT_EQ(none.epochs, 30);
    EXPECT_EQ(none.batchSize, 16);
}

TEST(DefaultSettingsTest, TheShapeCountsTrainingImagesPerClass) {
    testing::TempDir dir;
    // 12 good parts and 3 scratches of training data; the test split does not count.
    for (int i = 0; i < 12; ++i) {
        testing::writeImage(dir / "src" / "train" / "good" / ("g" + std::to_string(i) + ".png"), 20,
                            16, static_cast<unsigned>(40 + i), CV_8UC1);
    }
    for (int i = 0; i < 3; ++i) {
        testing::writeImage(dir / "src" / "train" / "scratch" / ("s" + std::to_string(i) + ".png"),
                            20, 16, static_cast<unsigned>(200 - i), CV_8UC1);
    }
    for (int i = 0; i < 9; ++i) {
        testing::writeImage(dir / "src" / "test" / "scratch" / ("t" + std::to_string(i) + ".png"),
                            20, 16, static_cast<unsigned>(100 + i), CV_8UC1);
    }
    Project project = Project::create(dir / "p");
    dataset::importSource(project, dir / "src", {});
    const DatasetShape shape = datasetShape(project);
    EXPECT_EQ(shape.trainSamples, 15);
    EXPECT_EQ(shape.smallestClass, 3);
    EXPECT_EQ(shape.largestClass, 12);
    EXPECT_TRUE(shape.allGray);
    EXPECT_TRUE(defaultOptions(shape, "cpu").classWeights);
}

std::vector<loader::LoaderSample> segmentationSamples(int count, int width, int height) {
    std::vector<loader::LoaderSample> samples(static_cast<std::size_t>(count));
    for (auto& sample : samples) {
        sample.imageWidth = width;
        sample.imageHeight = height;
    }
    return samples;
}

TEST(SegmentationDefaultsTest, PartsOf128PxAndMoreTrainOnThirdSideCropsAroundTheDefects) {
    const auto options =
        defaultSegmentationOptions(segmentationSamples(210, 150, 138), false, "cpu");
    // The parts keep their pixels in an input that holds them: 150 rounded up to 160.
    EXPECT_TRUE(options.keepImageScale);
    EXPECT_EQ(options.imageSize, 160);
    EXPECT_EQ(options.cropSize, 48); // a third of 144, the typical side, rounded down to 16
    EXPECT_DOUBLE_EQ(options.defectCropShare, 0.9);
    EXPECT_EQ(options.emaHorizon, 400);
    EXPECT_EQ(options.batchSize, 16);
    // The bench's 542 epochs of crops, then whole images for a fifth more of the budget:
    // 0.2 x 542 x 210 crops of 48 x 48 px x 1.5 (a crop pixel's cost) / 210 images of 160 px.
    EXPECT_EQ(options.wholeImageEpochs, 15);
    EXPECT_EQ(options.epochs, 542 + 15);
    EXPECT_NO_THROW(validate(options));
    const std::string said = describeSegmentationDefaults(options, 210);
    EXPECT_NE(said.find("557 epochs of 210 training images as 48 px crops (90% around a defect), "
                        "the last 15 on whole images, in batches of 16"),
              std::string::npos)
        << said;
    EXPECT_NE(said.find("at 160 px (images at their own scale, padded)"), std::string::npos)
        << said;
    // Validating the whole images costs more than an epoch of crops: every fifth epoch.
    EXPECT_EQ(options.validateEvery, 5);
    EXPECT_NE(said.find("validated every 5 epochs, weights averaged over 400 steps."),
              std::string::npos)
        << said;
    // Judged over mirror images, which the augmentations train it on.
    EXPECT_TRUE(options.averageMirrors);
    EXPECT_TRUE(modelSpec(options, 4).averageMirrors);
    EXPECT_NE(said.find("judged over mirror images"), std::string::npos) << said;
    // A model that needs larger inputs gets crops of its own minimum.
    const auto lraspp = defaultSegmentationOptions(segmentationSamples(210, 150, 138), false, "cpu",
                                                   std::string("lraspp_mobilenet_v3_large"));
    EXPECT_EQ(lraspp.cropSize, 64);
    EXPECT_NO_THROW(validate(lraspp));
}

// Mirror averaging only where training mirrors both ways: a left-right flip with a top-bottom
// flip or with quarter turns. A model never shown a mirrored part is judged on the part alone.
TEST(SegmentationDefaultsTest, MirrorsAreAveragedOnlyWhenTrainingMirrorsBothWays) {
    auto options = defaultSegmentationOptions(segmentationSamples(210, 150, 138), false, "cpu");
    ASSERT_TRUE(modelSpec(options, 4).averageMirrors);
    options.augmentation.verticalFlip = 0;
    EXPECT_TRUE(modelSpec(options, 4).averageMirrors); // the quarter turns make the other flip
    options.augmentation.rotate90 = 0;
    EXPECT_FALSE(modelSpec(options, 4).averageMirrors);
    EXPECT_EQ(describeSegmentationDefaults(options, 210).find("mirror"), std::string::npos);
    options.augmentation.verticalFlip = 0.5;
    options.augmentation.horizontalFlip = 0;
    EXPECT_FALSE(modelSpec(options, 4).averageMirrors);
    options.augmentation.horizontalFlip = 0.5;
    EXPECT_TRUE(modelSpec(options, 4).averageMirrors);
    options.task = TaskKind::Detection; // its boxes would need mirroring back
    EXPECT_FALSE(modelSpec(options, 4).averageMirrors);
    options.task = TaskKind::Segmentation;
    options.averageMirrors = false;
    EXPECT_FALSE(modelSpec(options, 4).averageMirrors);
    const models::ClassifierSpec spec = modelSpec(options, 4);
    EXPECT_EQ(spec.architecture, "unet");
    EXPECT_EQ(spec.classes, 4);
    EXPECT_EQ(spec.inputChannels, 3);
}

TEST(SegmentationDefaultsTest, TheInputHoldsNineTenthsOfThePartsAtTheirOwnScale) {
    // Long sides 100, 101, ... 149 (the short side 20% less): nine tenths are 144 px or less.
    std::vector<loader::LoaderSample> samples;
    for (int side = 100; side < 150; ++side) {
        auto one = segmentationSamples(1, side * 4 / 5, side);
        samples.push_back(one.front());
    }
    const auto options = defaultSegmentationOptions(samples, false, "cpu");
    EXPECT_EQ(options.imageSize, 144);
    EXPECT_EQ(longSideQuantile(samples, 0.9), 144);
    EXPECT_EQ(longSideQuantile(samples, 1.0), 149);
    EXPECT_EQ(longSideQuantile(samples, 0.5), 124);
    EXPECT_EQ(longSideQuantile({}, 0.9), 0);
    // Parts larger than a CPU's input shrink into it, keeping their shape.
    const auto large = defaultSegmentationOptions(segmentationSamples(30, 640, 480), false, "cpu");
    EXPECT_EQ(large.imageSize, 160);
    EXPECT_TRUE(large.keepImageScale);
}

// The whole-image epochs take a fifth more of the budget, at most 30 and a quarter of the
// crops' epochs; a set of many parts gets few.
TEST(SegmentationDefaultsTest, WholeImageEpochsScaleWithTheBudgetWithinLimits) {
    const auto few = defaultSegmentationOptions(segmentationSamples(20, 150, 138), false, "cpu");
    EXPECT_EQ(few.epochs, 600 + 30); // the crops' most, then the whole images' most
    EXPECT_EQ(few.wholeImageEpochs, 30);
    // Training reads crops up to the last 30 epochs, then whole images.
    EXPECT_EQ(trainingLoaderOptions(few, 0).cropSide, 48);
    EXPECT_EQ(trainingLoaderOptions(few, 599).cropSide, 48);
    EXPECT_EQ(trainingLoaderOptions(few, 600).cropSide, 0);
    EXPECT_EQ(trainingLoaderOptions(few, 629).cropSide, 0);
    const auto many = defaultSegmentationOptions(segmentationSamples(2000, 150, 138), false, "cpu");
    EXPECT_EQ(many.epochs - many.wholeImageEpochs, 57);
    EXPECT_EQ(many.wholeImageEpochs, 2); // 0.2 x 57 x 2000 x 3456 / (2000 x 25600), rounded
    EXPECT_NO_THROW(validate(many));

    // Other epochs keep the whole images' share, and leave at least one epoch of crops.
    TrainOptions options = few;
    options.epochs = 63;
    keepWholeImageShare(options, few.epochs);
    EXPECT_EQ(options.wholeImageEpochs, 3);
    options.epochs = 1;
    options.wholeImageEpochs = 30;
    keepWholeImageShare(options, 2);
    EXPECT_EQ(options.wholeImageEpochs, 0);
    // Images no larger than the crops train whole from the start: nothing to follow.
    options = few;
    options.imageSize = 48;
    dropCropThatFillsTheImage(options);
    EXPECT_EQ(options.wholeImageEpochs, 0);
    options = few;
    options.cropSize = 0;
    keepWholeImageShare(options, few.epochs);
    EXPECT_EQ(options.wholeImageEpochs, 0);
}

TEST(SegmentationDefaultsTest, SmallPartsTrainWhole) {
    const auto options = defaultSegmentationOptions(segmentationSamples(40, 80, 72), true, "cpu");
    EXPECT_EQ(options.imageSize, 80);
    EXPECT_EQ(options.cropSize, 0);
    EXPECT_EQ(options.batchSize, 8);
    EXPECT_EQ(options.channels, 1);
    EXPECT_NO_THROW(validate(options));
    EXPECT_EQ(describeSegmentationDefaults(options, 40).find("crops"), std::string::npos);
}

// A detector's epochs follow its speed: the CPU default trains twice the images of a
// torchvision-width one in the same time; both validate their weights' moving average.
TEST(DetectionDefaultsTest, EpochsFollowTheModelAndTheWeightsAreAveraged) {
    const auto samples = segmentationSamples(210, 150, 138);
    const auto small = defaultDetectionOptions(samples, false, "cpu");
    EXPECT_EQ(small.model, "fcos_small");
    EXPECT_EQ(small.imageSize, 160);
    EXPECT_EQ(small.epochs, 146);
    EXPECT_EQ(small.emaHorizon, 500);
    const auto wide = defaultDetectionOptions(samples, false, "cpu", std::string("fcos_resnet18"));
    EXPECT_EQ(wide.epochs, 73);
    EXPECT_EQ(wide.emaHorizon, 500);
    EXPECT_NO_THROW(validate(small));
    const std::string said = describeDetectionDefaults(small, 210);
    EXPECT_NE(said.find("146 epochs of 210 training images"), std::string::npos) << said;
    EXPECT_NE(said.find("validated every 5 epochs, weights averaged over 500 steps"),
              std::string::npos)
        << said;

    TrainOptions negative = small;
    negative.emaHorizon = -1;
    EXPECT_THROW(validate(negative), Error);
}

} // namespace
} // namespace kestrel::train
