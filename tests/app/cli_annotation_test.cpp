// import --format coco|yolo|voc|labelme, export-dataset and info's annotation counts, through
// the real binary.
#include "cli_test_support.h"
#include "images.h"

#include <fstream>

#include <nlohmann/json.hpp>

namespace kestrel {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void writeText(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
}

// Three images, a box and a polygon and an RLE mask on them, and two annotations that are
// wrong: a box beyond the image (clipped) and a polygon of two points (left out).
fs::path writeSmallCoco(const fs::path& folder) {
    kestrel::testing::writeImage(folder / "images/a.png",
                                 kestrel::testing::patternImage(40, 30, CV_8UC3, 1));
    kestrel::testing::writeImage(folder / "images/b.png",
                                 kestrel::testing::patternImage(40, 30, CV_8UC1, 2));
    kestrel::testing::writeImage(folder / "images/c.jpg",
                                 kestrel::testing::patternImage(32, 24, CV_8UC3, 3));
    const json coco = {
        {"images",
         {{{"id", 1}, {"file_name", "a.png"}, {"width", 40}, {"height", 30}},
          {{"id", 2}, {"file_name", "b.png"}, {"width", 40}, {"height", 30}},
          {{"id", 3}, {"file_name", "c.jpg"}, {"width", 32}, {"height", 24}}}},
        {"categories", {{{"id", 1}, {"name", "scratch"}}, {{"id", 2}, {"name", "dent"}}}},
        {"annotations",
         {{{"id", 10},
           {"image_id", 1},
           {"category_id", 1},
           {"bbox", {2, 3, 10, 5}},
           {"iscrowd", 0}},
          {{"id", 11},
           {"image_id", 1},
           {"category_id", 2},
           {"segmentation", {{5, 5, 20, 5, 12, 18}}},
           {"bbox", {5, 5, 15, 13}},
           {"iscrowd", 0}},
          {{"id", 12},
           {"image_id", 2},
           {"category_id", 2},
           {"segmentation", {{"size", {30, 40}}, {"counts", {300, 10, 890}}}},
           {"bbox", {10, 0, 1, 10}},
           {"iscrowd", 1}},
          {{"id", 13}, {"image_id", 3}, {"category_id", 1}, {"bbox", {25, 4, 20, 6}}},
          {{"id", 14},
           {"image_id", 3},
           {"category_id", 1},
           {"segmentation", {{1, 1, 5, 5}}},
           {"bbox", {1, 1, 4, 4}}}}}};
    writeText(folder / "instances_train.json", coco.dump(2));
    return folder / "instances_train.json";
}

TEST_F(CliTest, CocoImportCountsShapesAndNamesEachProblem) {
    const fs::path coco = writeSmallCoco(dir / "coco");
    const std::string project = (dir / "p").string();
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    const ProcessResult imported = cli({"import", project, coco.string(), "--json"});
    ASSERT_EQ(imported.exitCode, 0) << imported.err;
    const json report = json::parse(imported.out);
    EXPECT_EQ(report["format"], "coco");
    EXPECT_EQ(report["added"], 3);
    EXPECT_EQ(report["shapes"]["boxes"], 2);
    EXPECT_EQ(report["shapes"]["polygons"], 1);
    EXPECT_EQ(report["shapes"]["masks"], 1);
    ASSERT_EQ(report["problems"].size(), 2u) << report["problems"].dump();
    const std::string problems = report["problems"].dump();
    EXPECT_NE(problems.find("id 13"), std::string::npos) << problems;
    EXPECT_NE(problems.find("id 14"), std::string::npos) << problems;
    EXPECT_NE(problems.find("instances_train.json"), std::string::npos) << problems;

    const ProcessResult info = cli({"info", project, "--json"});
    ASSERT_EQ(info.exitCode, 0) << info.err;
    const json annotations = json::parse(info.out)["annotations"];
    EXPECT_EQ(annotations["boxes"], 2);
    EXPECT_EQ(annotations["polygons"], 1);
    EXPECT_EQ(annotations["masks"], 1);
    EXPECT_EQ(annotations["samples_with_boxes"], 2);
    EXPECT_EQ(annotations["samples_with_masks"], 1);
    EXPECT_EQ(annotations["samples_without_shapes"], 0);
}

TEST_F(CliTest, ExportDatasetThenImportGivesBackTheCounts) {
    const fs::path coco = writeSmallCoco(dir / "coco");
    const std::string project = (dir / "p").string();
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    ASSERT_EQ(cli({"import", project, coco.string()}).exitCode, 0);
    for (const std::string format : {"coco", "yolo", "voc", "mvtec"}) {
        const std::string out = (dir / ("export-" + format)).string();
        const ProcessResult exported =
            cli({"export-dataset", project, "--format", format, "--output", out, "--json"});
        ASSERT_EQ(exported.exitCode, 0) << format << ": " << exported.err;
        EXPECT_EQ(json::parse(exported.out)["images"], 3) << format;

        const std::string copy = (dir / ("copy-" + format)).string();
        ASSERT_EQ(cli({"init", copy}).exitCode, 0);
        const ProcessResult imported = cli({"import", copy, out, "--json"});
        ASSERT_EQ(imported.exitCode, 0) << format << ": " << imported.err;
        const json report = json::parse(imported.out);
        EXPECT_EQ(report["format"], format);
        EXPECT_EQ(report["added"], 3) << format;
        if (format == "coco") {
            EXPECT_EQ(report["shapes"], json({{"boxes", 2}, {"polygons", 1}, {"masks", 1}}));
        } else if (format == "voc") {
            EXPECT_EQ(report["shapes"]["boxes"], 4); // the polygon and mask as their boxes
        }
    }
}

TEST_F(CliTest, ExportDatasetOfOneSplitWritesOnlyIt) {
    const fs::path coco = writeSmallCoco(dir / "coco");
    const std::string project = (dir / "p").string();
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    ASSERT_EQ(cli({"import", project, coco.string()}).exitCode, 0);
    const ProcessResult exported = cli({"export-dataset", project, "--format", "coco", "--output",
                                        (dir / "val").string(), "--split", "val", "--json"});
    ASSERT_EQ(exported.exitCode, 0) << exported.err;
    EXPECT_EQ(json::parse(exported.out)["images"], 0); // the file named them all train
    EXPECT_EQ(cli({"export-dataset", project, "--format", "tiff", "--output", "x"}).exitCode, 2);
}

TEST_F(CliTest, AMalformedCocoFileFailsNamingItsLineAndWritesNothing) {
    writeText(dir / "bad/instances.json", "{\n  \"images\": [\n    {\"id\": 1,,}\n  ]\n}\n");
    const std::string project = (dir / "p").string();
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    const ProcessResult imported =
        cli({"import", project, (dir / "bad/instances.json").string(), "--format", "coco"});
    EXPECT_EQ(imported.exitCode, 1);
    EXPECT_NE(imported.err.find("instances.json"), std::string::npos) << imported.err;
    EXPECT_NE(imported.err.find("line 3"), std::string::npos) << imported.err;
    EXPECT_EQ(lineCount(imported.err), 1u) << imported.err;
    EXPECT_EQ(json::parse(cli({"info", project, "--json"}).out)["samples"], 0);
}

TEST_F(CliTest, YoloWithAnOutOfRangeClassIsReportedByFileAndLine) {
    kestrel::testing::writeImage(dir / "yolo/images/train/a.png",
                                 kestrel::testing::patternImage(50, 40, CV_8UC3, 4));
    writeText(dir / "yolo/classes.txt", "scratch\ndent\n");
    writeText(dir / "yolo/labels/train/a.txt", "0 0.5 0.5 0.2 0.2\n7 0.3 0.3 0.1 0.1\n");
    const std::string project = (dir / "p").string();
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    const ProcessResult imported = cli({"import", project, (dir / "yolo").string()});
    ASSERT_EQ(imported.exitCode, 0) << imported.err;
    EXPECT_NE(imported.out.find("1 boxes"), std::string::npos) << imported.out;
    EXPECT_NE(imported.out.find("a.txt line 2"), std::string::npos) << imported.out;
}

} // namespace
} // namespace kestrel
