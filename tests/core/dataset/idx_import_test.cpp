// MNIST-format files: a small set the test writes (gzipped and plain), and Fashion-MNIST
// from Debian's dataset-fashion-mnist package when it is installed.
#include "common/error.h"
#include "dataset/importer.h"
#include "dataset/project_summary.h"
#include "project/project.h"
#include "store/sqlite.h"
#include "temp_dir.h"

#include <memory>
#include <zlib.h>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

namespace kestrel::dataset {
namespace {

namespace fs = std::filesystem;

std::string bigEndian(std::uint32_t value) {
    return {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
            static_cast<char>(value >> 8), static_cast<char>(value)};
}

void writeMaybeGzipped(const fs::path& file, const std::string& bytes) {
    std::unique_ptr<gzFile_s, int (*)(gzFile)> out(
        gzopen(file.c_str(), file.extension() == ".gz" ? "wb" : "wbT"), gzclose);
    ASSERT_TRUE(out);
    ASSERT_EQ(gzwrite(out.get(), bytes.data(), static_cast<unsigned>(bytes.size())),
              static_cast<int>(bytes.size()));
}

// `count` images of 4x3 pixels whose first pixel is their index, labels index % 3.
void writeIdxPair(const fs::path& folder, const std::string& prefix, std::uint32_t count,
                  const std::string& suffix) {
    std::string images = bigEndian(0x803) + bigEndian(count) + bigEndian(3) + bigEndian(4);
    std::string labels = bigEndian(0x801) + bigEndian(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        std::string pixels(12, '\x40');
        pixels[0] = static_cast<char>(i);
        images += pixels;
        labels += static_cast<char>(i % 3);
    }
    writeMaybeGzipped(folder / (prefix + "-images-idx3-ubyte" + suffix), images);
    writeMaybeGzipped(folder / (prefix + "-labels-idx1-ubyte" + suffix), labels);
}

TEST(IdxImportTest, WritesPngsAndKeepsLabelsAndTheTestSplit) {
    kestrel::testing::TempDir dir;
    fs::create_directories(dir / "mnist");
    writeIdxPair(dir / "mnist", "train", 7, ".gz");
    writeIdxPair(dir / "mnist", "t10k", 4, "");
    Project project = Project::create(dir / "p");

    ImportOptions options;
    options.classNames = {"ok", "scratch", "dent"};
    const ImportReport report = importSource(project, dir / "mnist", options);

    EXPECT_EQ(report.format, ImportFormat::Idx);
    EXPECT_EQ(report.added, 11u);
    EXPECT_EQ(report.classesCreated, options.classNames);
    const ProjectSummary summary = summarizeProject(project);
    EXPECT_EQ(summary.splits.train, 7);
    EXPECT_EQ(summary.splits.test, 4);
    EXPECT_EQ(summary.classes[0].count, 5); // train images 0, 3, 6 and test images 0, 3
    EXPECT_EQ(summary.classes[0].count + summary.classes[1].count + summary.classes[2].count, 11);

    // The written PNG holds the original pixels, and the project stores it relatively.
    const fs::path png = project.folder() / "data/mnist/train/00005.png";
    const cv::Mat image = cv::imread(png.string(), cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(image.empty());
    EXPECT_EQ(image.cols, 4);
    EXPECT_EQ(image.rows, 3);
    EXPECT_EQ(image.at<unsigned char>(0, 0), 5);
    store::Statement label(project.database(), R"sql(
        SELECT c.name FROM samples s JOIN labels l ON l.sample_id = s.id
        JOIN classes c ON c.id = l.class_id WHERE s.path = 'data/mnist/train/00005.png')sql");
    ASSERT_TRUE(label.step());
    EXPECT_EQ(label.columnText(0), "dent"); // 5 % 3 == 2

    EXPECT_EQ(importSource(project, dir / "mnist", options).added, 0u) << "idempotent";
}

TEST(IdxImportTest, ALabelWithoutANameIsRefused) {
    kestrel::testing::TempDir dir;
    fs::create_directories(dir / "mnist");
    writeIdxPair(dir / "mnist", "train", 3, "");
    Project project = Project::create(dir / "p");
    ImportOptions options;
    options.classNames = {"only-one"};
    EXPECT_THROW(importSource(project, dir / "mnist", options), Error);
    EXPECT_EQ(project.database().queryInt("SELECT count(*) FROM samples"), 0);
}

TEST(IdxImportTest, FashionMnistFromDebianHas60000TrainAnd10000TestIn10Classes) {
    const fs::path source = "/usr/share/datasets/fashion-mnist";
    if (!fs::exists(source / "train-images-idx3-ubyte.gz")) {
        GTEST_SKIP() << "dataset-fashion-mnist is not installed";
    }
    kestrel::testing::TempDir dir;
    Project project = Project::create(dir / "fashion");
    const ImportReport report = importSource(project, source, ImportOptions{});

    EXPECT_EQ(report.added, 70000u);
    EXPECT_TRUE(report.unreadable.empty());
    const ProjectSummary summary = summarizeProject(project);
    EXPECT_EQ(summary.samples, 70000);
    EXPECT_EQ(summary.splits.train, 60000);
    EXPECT_EQ(summary.splits.test, 10000);
    ASSERT_EQ(summary.classes.size(), 10u);
    for (const ClassCount& entry : summary.classes) {
        EXPECT_EQ(entry.count, 7000) << entry.name;
    }
    EXPECT_EQ(summary.classes.front().name, "0");
    EXPECT_EQ(summary.classes.back().name, "9");
}

} // namespace
} // namespace kestrel::dataset
