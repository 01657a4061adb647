// Imports real files the tests write (images in every format, broken files, awkward names)
// into real projects, and checks what the store holds afterwards.
#include "common/error.h"
#include "dataset/importer.h"
#include "dataset/project_summary.h"
#include "dataset/sample_query.h"
#include "files.h"
#include "images.h"
#include "project/project.h"
#include "store/sqlite.h"
#include "temp_dir.h"

#include <map>

#include <gtest/gtest.h>

namespace kestrel::dataset {
namespace {

namespace fs = std::filesystem;
using kestrel::testing::writeBytes;
using kestrel::testing::writeImage;

class ImporterTest : public ::testing::Test {
protected:
    kestrel::testing::TempDir dir;
    Project project = Project::create(dir / "project");

    ImportReport import(const fs::path& source, ImportFormat format = ImportFormat::Auto) {
        ImportOptions options;
        options.format = format;
        return importSource(project, source, options);
    }
    std::int64_t count(const std::string& sql) { return project.database().queryInt(sql); }
    std::map<std::string, std::string> splitsByPath() {
        std::map<std::string, std::string> splits;
        store::Statement query(project.database(), "SELECT path, coalesce(split, '') FROM samples");
        while (query.step()) {
            splits[query.columnText(0)] = query.columnText(1);
        }
        return splits;
    }

    // A messy folder of two classes: every format, nesting, unicode and spaces, hidden and
    // non-image files, three broken images and one duplicate.
    fs::path writeMessyImageFolder() {
        const fs::path src = dir / "messy";
        writeImage(src / "ok/a.png", 32, 24, 1);
        writeImage(src / "ok/sub dir/b ü.JPG", 30, 20, 2);
        writeImage(src / "ok/c.bmp", 16, 16, 3);
        writeImage(src / "ok/d.tif", 20, 10, 4, CV_16UC1);
        writeImage(src / "ok/e.webp", 12, 12, 5);
        writeImage(src / "ok/f.png", 10, 14, 6, CV_8UC4);
        writeImage(src / "ok/.hidden.png", 8, 8, 7);
        writeImage(src / "ok/.cache/thumb.png", 8, 8, 8);
        writeBytes(src / "ok/notes.txt", "taken on line 2");
        writeImage(src / "scratch/g.png", 32, 24, 9, CV_8UC1);
        writeImage(src / "scratch/h.jpeg", 32, 24, 10);
        writeBytes(src / "scratch/empty.png", "");
        writeBytes(src / "scratch/text.png", "this is not an image\n");
        const std::string png = kestrel::testing::readBytes(src / "ok/a.png");
        writeBytes(src / "scratch/truncated.png", png.substr(0, png.size() / 2));
        writeBytes(src / "scratch/copy of a.png", png);
        return src;
    }
};

TEST_F(ImporterTest, AMessyImageFolderImportsWithExactCounts) {
    const fs::path src = writeMessyImageFolder();
    const ImportReport report = import(src);

    EXPECT_EQ(report.format, ImportFormat::ImageFolder);
    EXPECT_EQ(report.found, 12u);
    EXPECT_EQ(report.added, 9u);
    ASSERT_EQ(report.unreadable.size(), 3u);
    std::map<std::string, std::string> reasons;
    for (const auto& file : report.unreadable) {
        reasons[fs::path(file.path).filename().string()] = file.reason;
    }
    EXPECT_EQ(reasons["empty.png"], "the file is empty");
    EXPECT_EQ(reasons["text.png"], "not an image (unrecognised content)");
    EXPECT_EQ(reasons["truncated.png"], "the image data is truncated or corrupt");
    EXPECT_EQ(report.classesCreated, (std::vector<std::string>{"ok", "scratch"}));
    ASSERT_EQ(report.duplicates.size(), 1u);
    EXPECT_EQ(report.duplicates[0].paths.size(), 2u);

    const ProjectSummary summary = summarizeProject(project);
    EXPECT_EQ(summary.samples, 9);
    EXPECT_EQ(summary.unreadable, 3);
    ASSERT_EQ(summary.classes.size(), 2u);
    EXPECT_EQ(summary.classes[0].count, 6);
    EXPECT_EQ(summary.classes[1].count, 3);
    EXPECT_EQ(summary.splits.train + summary.splits.val + summary.splits.test, 9);
    EXPECT_EQ(summary.duplicateGroups, 1);
    EXPECT_EQ(summary.datasetVersion, 1);

    // Each sample keeps its path, hash and size; the unicode name survives the round trip.
    store::Statement sample(project.database(),
                            "SELECT content_hash, width, height FROM samples WHERE path = ?1");
    sample.bind(1, (src / "ok/sub dir/b ü.JPG").string());
    ASSERT_TRUE(sample.step());
    EXPECT_EQ(sample.columnText(0).size(), 32u);
    EXPECT_EQ(sample.columnInt(1), 30);
    EXPECT_EQ(sample.columnInt(2), 20);
}

TEST_F(ImporterTest, ImportingTheSameSourceTwiceAddsNothing) {
    const fs::path src = writeMessyImageFolder();
    import(src);
    const ImportReport again = import(src);
    EXPECT_EQ(again.added, 0u);
    EXPECT_TRUE(again.unreadable.empty());
    EXPECT_EQ(again.alreadyPresent, 12u);
    EXPECT_EQ(count("SELECT count(*) FROM samples"), 12);
    EXPECT_EQ(count("SELECT dataset_version FROM project"), 1);
}

TEST_F(ImporterTest, SplitFoldersFixTheSplitAndCrossSplitDuplicatesAreLeakage) {
    const fs::path src = dir / "split";
    writeImage(src / "train/ok/1.png", 8, 8, 1);
    writeImage(src / "train/bad/2.png", 8, 8, 2);
    writeImage(src / "valid/ok/3.png", 8, 8, 3);
    writeImage(src / "test/bad/4.png", 8, 8, 4);
    writeBytes(src / "test/ok/same-as-1.png", kestrel::testing::readBytes(src / "train/ok/1.png"));

    const ImportReport report = import(src);
    const auto splits = splitsByPath();
    EXPECT_EQ(splits.at((src / "train/ok/1.png").string()), "train");
    EXPECT_EQ(splits.at((src / "valid/ok/3.png").string()), "val");
    EXPECT_EQ(splits.at((src / "test/bad/4.png").string()), "test");
    ASSERT_EQ(report.duplicates.size(), 1u);
    EXPECT_TRUE(report.duplicates[0].leakage);
    EXPECT_EQ(summarizeProject(project).leakageGroups, 1);
}

TEST_F(ImporterTest, LaterImportsNeverMoveEarlierSamplesBetweenSplits) {
    const fs::path src = dir / "growing";
    for (unsigned i = 0; i < 20; ++i) {
        writeImage(src / "ok" / (std::to_string(i) + ".png"), 8, 8, i);
    }
    import(src);
    const auto before = splitsByPath();
    for (unsigned i = 20; i < 40; ++i) {
        writeImage(src / "ok" / (std::to_string(i) + ".png"), 8, 8, i);
    }
    import(src);
    const auto after = splitsByPath();
    for (const auto& [path, split] : before) {
        EXPECT_EQ(after.at(path), split) << path;
    }
    const ProjectSummary summary = summarizeProject(project);
    EXPECT_EQ(summary.splits.train, 28);
    EXPECT_EQ(summary.splits.val, 6);
    EXPECT_EQ(summary.splits.test, 6);
}

TEST_F(ImporterTest, APlainFolderImportsUnlabelled) {
    writeImage(dir / "dump/a.png", 8, 8, 1);
    writeImage(dir / "dump/deeper/b.jpg", 8, 8, 2);
    const ImportReport report = import(dir / "dump", ImportFormat::Folder);
    EXPECT_EQ(report.added, 2u);
    const ProjectSummary summary = summarizeProject(project);
    EXPECT_EQ(summary.unlabelled, 2);
    EXPECT_TRUE(summary.classes.empty());
}

TEST_F(ImporterTest, ACsvImportsLabelsAndSplitsRelativeToItsFolder) {
    writeImage(dir / "csv/images/a, b.png", 8, 8, 1);
    writeImage(dir / "csv/images/c.png", 8, 8, 2);
    writeImage(dir / "csv/images/d.png", 8, 8, 3);
    writeBytes(dir / "csv/labels.csv", "\xEF\xBB\xBFlabel,path,split\r\n"
                                       "dent,\"images/a, b.png\",train\r\n"
                                       "ok,images/c.png,test\r\n"
                                       "ok,images/d.png,\r\n");
    const ImportReport report = import(dir / "csv/labels.csv");
    EXPECT_EQ(report.format, ImportFormat::Csv);
    EXPECT_EQ(report.added, 3u);
    const auto splits = splitsByPath();
    EXPECT_EQ(splits.at((dir / "csv/images/a, b.png").string()), "train");
    EXPECT_EQ(splits.at((dir / "csv/images/c.png").string()), "test");
    EXPECT_FALSE(splits.at((dir / "csv/images/d.png").string()).empty());
}

TEST_F(ImporterTest, ABadCsvRowNamesItsLineAndNothingIsWritten) {
    writeImage(dir / "csv/a.png", 8, 8, 1);
    writeImage(dir / "csv/b.png", 8, 8, 2);
    const fs::path csv = dir / "csv/labels.csv";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"path,label,split\na.png,ok,train\nb.png,ok,training\n",
         ", line 3: the split \"training\" is not train, val or test."},
        {"path,label\na.png,ok\n\nmissing.png,ok\n", ", line 4: the file "},
        {"path,label\na.png\n", ", line 2: expected 2 fields but found 1."},
        {"file,class\na.png,ok\n", ", line 1: the header must name the columns path and label"},
        {"path,label\na.png,ok\nb.png,ok\n./a.png,dent\n",
         ", line 4: ./a.png is already listed on line 2."},
    };
    for (const auto& [text, expected] : cases) {
        writeBytes(csv, text);
        try {
            import(csv);
            ADD_FAILURE() << "expected an error for " << text;
        } catch (const Error& error) {
            EXPECT_EQ(std::string(error.what()).rfind(csv.string() + expected, 0), 0u)
                << error.what();
        }
        EXPECT_EQ(count("SELECT count(*) FROM samples"), 0);
        EXPECT_EQ(count("SELECT count(*) FROM classes"), 0);
    }
}

TEST_F(ImporterTest, AnMvTecCategoryImportsWithItsMasks) {
    const fs::path src = dir / "bottle";
    writeImage(src / "train/good/000.png", 16, 16, 1);
    writeImage(src / "train/good/001.png", 16, 16, 2);
    writeImage(src / "test/good/000.png", 16, 16, 3);
    writeImage(src / "test/broken_large/000.png", 16, 16, 4);
    writeImage(src / "test/contamination/000.png", 16, 16, 5);
    writeImage(src / "ground_truth/broken_large/000_mask.png", 16, 16, 6, CV_8UC1);
    writeImage(src / "ground_truth/contamination/000_mask.png", 16, 16, 7, CV_8UC1);

    const ImportReport report = import(src);
    EXPECT_EQ(report.format, ImportFormat::MvTec);
    EXPECT_EQ(report.added, 5u);
    EXPECT_EQ(report.masks, 2u);
    const ProjectSummary summary = summarizeProject(project);
    EXPECT_EQ(summary.splits.train, 2);
    EXPECT_EQ(summary.splits.test, 3);
    EXPECT_EQ(summary.classes.size(), 3u);
    store::Statement mask(project.database(), R"sql(
        SELECT a.path, c.name FROM annotations a JOIN samples s ON s.id = a.sample_id
        JOIN classes c ON c.id = a.class_id WHERE s.path = ?1)sql");
    mask.bind(1, (src / "test/contamination/000.png").string());
    ASSERT_TRUE(mask.step());
    EXPECT_EQ(mask.columnText(0), (src / "ground_truth/contamination/000_mask.png").string());
    EXPECT_EQ(mask.columnText(1), "contamination");
}

TEST_F(ImporterTest, CancellingLeavesTheProjectAsItWas) {
    const fs::path src = writeMessyImageFolder();
    std::atomic<bool> cancel{false};
    ImportOptions options;
    const ImportReport report = importSource(
        project, src, options,
        [&](const ImportProgress& progress) {
            if (progress.phase == "reading") {
                cancel = true;
            }
        },
        &cancel);
    EXPECT_TRUE(report.cancelled);
    EXPECT_EQ(count("SELECT count(*) FROM samples"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM classes"), 0);
    EXPECT_EQ(count("SELECT dataset_version FROM project"), 0);
}

TEST_F(ImporterTest, LabelledSamplesListReadableSamplesWithClassIndexes) {
    const fs::path src = writeMessyImageFolder();
    import(src);
    const LabelledSamples all = labelledSamples(project);
    EXPECT_EQ(all.classes, (std::vector<std::string>{"ok", "scratch"}));
    EXPECT_EQ(all.samples.size(), 9u) << "unreadable files are left out";
    std::size_t scratches = 0;
    for (const LabelledSample& sample : all.samples) {
        EXPECT_TRUE(fs::exists(sample.file)) << sample.file;
        scratches += sample.classIndex == 1 ? 1 : 0;
    }
    EXPECT_EQ(scratches, 3u);
    const ProjectSummary summary = summarizeProject(project);
    EXPECT_EQ(static_cast<std::int64_t>(labelledSamples(project, "train").samples.size()),
              summary.splits.train);
}

TEST_F(ImporterTest, AMissingSourceIsNamed) {
    try {
        import(dir / "nowhere");
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(std::string(error.what()),
                  "Cannot import " + (dir / "nowhere").string() + ": it does not exist.");
    }
}

} // namespace
} // namespace kestrel::dataset
