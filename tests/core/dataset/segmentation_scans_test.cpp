// The segmentation test set (tests/support/segmentation_scans.h), imported into a real
// project: the store must hold what the generator painted, so that tests of the loader and
// the segmentation task can compare with the masks it returns.
#include "annotations/rle.h"
#include "dataset/importer.h"
#include "files.h"
#include "project/project.h"
#include "segmentation_scans.h"
#include "store/annotation_repository.h"
#include "store/sample_repository.h"
#include "temp_dir.h"

#include <map>
#include <set>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

namespace kestrel::dataset {
namespace {

namespace fs = std::filesystem;
using kestrel::testing::readBytes;
using kestrel::testing::SegmentationScans;
using kestrel::testing::TempDir;
using kestrel::testing::writeSegmentationCoco;

std::size_t differingPixels(const cv::Mat& a, const cv::Mat& b) {
    if (a.size() != b.size()) {
        return a.total() + b.total();
    }
    return static_cast<std::size_t>(cv::countNonZero(a != b));
}

// Writes a set, imports it into a new project and compares the store with the generator's
// record, image by image and shape by shape.
void expectImportHoldsWhatWasPainted(int images, std::uint64_t seed, int size) {
    SCOPED_TRACE(std::to_string(images) + " images, seed " + std::to_string(seed) + ", " +
                 std::to_string(size) + " px");
    TempDir dir;
    const SegmentationScans scans = writeSegmentationCoco(dir / "set", images, seed, size);
    ASSERT_EQ(scans.masks.size(), static_cast<std::size_t>(images));
    std::size_t defects = 0;
    std::size_t clean = 0;
    std::set<int> classesDrawn;
    for (const auto& [name, list] : scans.defects) {
        defects += list.size();
        clean += list.empty() ? 1 : 0;
        for (const auto& defect : list) {
            classesDrawn.insert(defect.classIndex);
        }
    }
    EXPECT_EQ(clean, static_cast<std::size_t>(images / 5)); // every fifth
    EXPECT_EQ(classesDrawn, (std::set<int>{1, 2, 3}));

    Project project = Project::create(dir / "project");
    const ImportReport report = importSource(project, scans.folder, ImportOptions{});
    EXPECT_EQ(report.format, ImportFormat::Coco);
    EXPECT_EQ(report.added, static_cast<std::size_t>(images));
    EXPECT_TRUE(report.unreadable.empty());
    EXPECT_TRUE(report.problems.empty()) << report.problems.front();
    EXPECT_EQ(report.maskShapes, defects);

    store::SampleRepository samples(project.database());
    std::vector<std::string> classNames;
    std::map<std::int64_t, int> classIndexById; // 1-based, in project order
    for (const store::ClassRow& row : samples.classes()) {
        classNames.push_back(row.name);
        classIndexById[row.id] = static_cast<int>(classNames.size());
    }
    EXPECT_EQ(classNames, scans.classNames);
    const store::SampleCountsRow counts = samples.counts();
    EXPECT_EQ(counts.readable, images);
    EXPECT_GE(counts.train, 2);
    EXPECT_GE(counts.val, 2);
    EXPECT_GE(counts.test, 2);
    EXPECT_EQ(counts.unassigned, 0);

    store::AnnotationRepository shapes(project.database());
    std::size_t checked = 0;
    for (const store::SampleRow& row : samples.samples()) {
        const std::string name = fs::path(row.path).filename().string();
        ASSERT_EQ(scans.masks.count(name), 1u) << row.path;
        EXPECT_EQ(row.split, scans.splits.at(name)) << name;
        const cv::Mat& expected = scans.masks.at(name);
        EXPECT_EQ(row.width, expected.cols) << name;
        EXPECT_EQ(row.height, expected.rows) << name;
        const auto& drawn = scans.defects.at(name);
        const std::vector<annotations::Shape> stored = shapes.shapesOf(row.id);
        ASSERT_EQ(stored.size(), drawn.size()) << name;
        // Each shape is its defect's pixels; painted in order they give the class mask.
        cv::Mat painted = cv::Mat::zeros(expected.size(), CV_8UC1);
        for (std::size_t i = 0; i < stored.size(); ++i) {
            const annotations::Shape& shape = stored[i];
            ASSERT_EQ(shape.kind, annotations::ShapeKind::Mask) << name << " shape " << i;
            ASSERT_EQ(shape.mask.width, expected.cols);
            ASSERT_EQ(shape.mask.height, expected.rows);
            EXPECT_EQ(classIndexById.at(shape.classId), drawn[i].classIndex)
                << name << " shape " << i;
            std::vector<std::uint8_t> decoded = annotations::decodeMask(shape.mask);
            const cv::Mat pixels(shape.mask.height, shape.mask.width, CV_8UC1, decoded.data());
            EXPECT_EQ(differingPixels(pixels, drawn[i].mask), 0u) << name << " shape " << i;
            painted.setTo(classIndexById.at(shape.classId), pixels);
        }
        EXPECT_EQ(differingPixels(painted, expected), 0u) << name;
        ++checked;
    }
    EXPECT_EQ(checked, static_cast<std::size_t>(images));
}

TEST(SegmentationScans, ImportHoldsTheSplitsClassesAndPaintedMasks) {
    expectImportHoldsWhatWasPainted(15, 7, 48); // the default size
    expectImportHoldsWhatWasPainted(12, 4, 32); // as the run and CLI tests use it
    expectImportHoldsWhatWasPainted(6, 1, 24);  // the fewest images and the smallest size
}

TEST(SegmentationScans, TheSameSeedWritesTheSameFilesAndAnotherSeedOthers) {
    TempDir dir;
    const SegmentationScans first = writeSegmentationCoco(dir / "a", 6, 1);
    const SegmentationScans again = writeSegmentationCoco(dir / "b", 6, 1);
    const SegmentationScans other = writeSegmentationCoco(dir / "c", 6, 2);
    ASSERT_EQ(first.masks.size(), 6u);
    std::size_t differentImages = 0;
    for (const auto& [name, mask] : first.masks) {
        EXPECT_EQ(readBytes(dir / "a/images" / name), readBytes(dir / "b/images" / name)) << name;
        EXPECT_EQ(differingPixels(mask, again.masks.at(name)), 0u) << name;
        EXPECT_EQ(first.splits.at(name), again.splits.at(name));
        ASSERT_EQ(other.masks.count(name), 1u) << name;
        differentImages +=
            readBytes(dir / "a/images" / name) != readBytes(dir / "c/images" / name) ? 1 : 0;
    }
    EXPECT_EQ(differentImages, 6u);
    for (const char* file : {"instances_train.json", "instances_val.json", "instances_test.json"}) {
        EXPECT_EQ(readBytes(dir / "a" / file), readBytes(dir / "b" / file)) << file;
    }
}

TEST(SegmentationScans, RefusesTooFewImagesForThreeSplits) {
    TempDir dir;
    EXPECT_THROW(writeSegmentationCoco(dir / "set", 5, 1), std::invalid_argument);
}

} // namespace
} // namespace kestrel::dataset
