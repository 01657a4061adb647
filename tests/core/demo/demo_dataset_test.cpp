#include "dataset/importer.h"
#include "dataset/project_summary.h"
#include "demo/demo_dataset.h"
#include "demo/demo_part.h"
#include "files.h"
#include "project/project.h"
#include "temp_dir.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

namespace kestrel::demo {
namespace {

TEST(DemoDatasetTest, WritesTheSameReadableImagesForTheSameSeed) {
    kestrel::testing::TempDir dir;
    EXPECT_EQ(writeDemoImages(dir / "a", 3, 11), 12u);
    writeDemoImages(dir / "b", 3, 11);
    writeDemoImages(dir / "c", 3, 12);
    for (const std::string& name : demoClasses()) {
        const auto file = std::filesystem::path(name) / "part-0002.png";
        EXPECT_EQ(kestrel::testing::readBytes(dir / "a" / file),
                  kestrel::testing::readBytes(dir / "b" / file));
        EXPECT_NE(kestrel::testing::readBytes(dir / "a" / file),
                  kestrel::testing::readBytes(dir / "c" / file));
        const cv::Mat image = cv::imread((dir / "a" / file).string(), cv::IMREAD_UNCHANGED);
        EXPECT_EQ(image.cols, 128);
        EXPECT_EQ(image.type(), CV_8UC1);
    }
}

TEST(DemoDatasetTest, EachDefectIsALocalFlawOnTheSameSurface) {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        const cv::Mat plain = renderPart(Defect::None, seed);
        for (Defect defect : {Defect::Scratch, Defect::Dent, Defect::Spots}) {
            cv::Mat difference;
            cv::absdiff(plain, renderPart(defect, seed), difference);
            const int changed = cv::countNonZero(difference > 20);
            // Visible (dozens of pixels) yet local (well under a quarter of the part).
            EXPECT_GT(changed, 15) << "seed " << seed << " defect " << static_cast<int>(defect);
            EXPECT_LT(changed, 128 * 128 / 4) << "seed " << seed;
        }
        EXPECT_EQ(cv::countNonZero(plain != renderPart(Defect::None, seed)), 0);
    }
}

} // namespace
} // namespace kestrel::demo
