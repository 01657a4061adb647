#include "dataset/importer.h"
#include "images.h"
#include "project/project.h"
#include "temp_dir.h"
#include "train/default_settings.h"

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

} // namespace
} // namespace kestrel::train
