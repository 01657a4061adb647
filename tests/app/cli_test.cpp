// Drives the real kestrel-cli binary the way scripts do: exit codes, stdout JSON, and one
// plain sentence on stderr for a failure.
#include "cli_test_support.h"
#include "files.h"
#include "images.h"
#include "process.h"
#include "store/migrations.h"
#include "temp_dir.h"

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kestrel {
namespace {

TEST_F(CliTest, InitThenInfoJsonDescribesAnEmptyProject) {
    const std::string project = (dir / "p").string();
    const ProcessResult init = cli({"init", project});
    ASSERT_EQ(init.exitCode, 0) << init.err;

    const ProcessResult info = cli({"info", project, "--json"});
    ASSERT_EQ(info.exitCode, 0) << info.err;
    EXPECT_EQ(lineCount(info.out), 1u) << "exactly one JSON object: " << info.out;
    const auto json = nlohmann::json::parse(info.out);
    ASSERT_TRUE(json.is_object());
    EXPECT_EQ(json.at("samples"), 0);
    EXPECT_EQ(json.at("unreadable"), 0);
    EXPECT_TRUE(json.at("classes").is_array());
    EXPECT_TRUE(json.at("classes").empty());
    EXPECT_EQ(json.at("splits").at("train"), 0);
    EXPECT_EQ(json.at("splits").at("val"), 0);
    EXPECT_EQ(json.at("splits").at("test"), 0);
    EXPECT_EQ(json.at("name"), "p");
    EXPECT_EQ(json.at("project"), project);
}

TEST_F(CliTest, InitJsonReportsTheNewProject) {
    const ProcessResult init = cli({"init", (dir / "q").string(), "--name", "Press 4", "--json"});
    ASSERT_EQ(init.exitCode, 0) << init.err;
    const auto json = nlohmann::json::parse(init.out);
    EXPECT_EQ(json.at("name"), "Press 4");
    EXPECT_EQ(json.at("schema_version"), kestrel::store::currentSchemaVersion());
}

TEST_F(CliTest, InitDemoFillsTheProjectWithFourClasses) {
    const std::string project = (dir / "demo").string();
    const ProcessResult init = cli({"init", project, "--demo", "--json"});
    ASSERT_EQ(init.exitCode, 0) << init.err;
    EXPECT_EQ(nlohmann::json::parse(init.out).at("samples"), 240);
    const auto info = nlohmann::json::parse(cli({"info", project, "--json"}).out);
    ASSERT_EQ(info.at("classes").size(), 4u);
    for (const auto& entry : info.at("classes")) {
        EXPECT_EQ(entry.at("count"), 60) << entry.at("name");
    }
    EXPECT_EQ(info.at("unreadable"), 0);

    // --list names a split's files, one per line, as many as info counts.
    const ProcessResult listed = cli({"info", project, "--list", "test"});
    ASSERT_EQ(listed.exitCode, 0) << listed.err;
    EXPECT_EQ(static_cast<std::int64_t>(lineCount(listed.out)),
              info.at("splits").at("test").get<std::int64_t>());
    std::istringstream lines(listed.out);
    for (std::string line; std::getline(lines, line);) {
        EXPECT_TRUE(std::filesystem::is_regular_file(line)) << line;
    }
    const ProcessResult wrong = cli({"info", project, "--list", "tests"});
    EXPECT_NE(wrong.exitCode, 0);
    EXPECT_NE(wrong.err.find("tests"), std::string::npos) << wrong.err;
}

// The log the window shares: each command with the versions, each run's start and end, and
// each failure's sentence; --verbose shows the same lines on stderr.
TEST_F(CliTest, TheLogRecordsCommandsRunsAndFailures) {
    const ProcessResult missing = cli({"info", (dir / "gone").string()});
    ASSERT_EQ(missing.exitCode, 1);
    const ProcessResult trained = trainLeftRight((dir / "p").string());
    ASSERT_EQ(trained.exitCode, 0) << trained.err;
    const ProcessResult verbose = cli({"--verbose", "runs", (dir / "p").string()});
    ASSERT_EQ(verbose.exitCode, 0) << verbose.err;

    const std::string log = kestrel::testing::readBytes(dir / "logs" / "kestrel.log");
    for (const std::string& expected :
         {"kestrel-cli info " + (dir / "gone").string() + " (Kestrel ", std::string("LibTorch "),
          "Failed: Cannot open " + (dir / "gone").string() + ": the folder does not exist.",
          "Run 1 of " + (dir / "p").string() + " started: classification, smallcnn at 16 px on cpu",
          "Run 1 of " + (dir / "p").string() + " ended: completed after 4 epochs.",
          std::string("Ended with exit code 0.")}) {
        EXPECT_NE(log.find(expected), std::string::npos) << expected << "\n" << log;
    }
    EXPECT_NE(verbose.err.find("kestrel-cli --verbose runs "), std::string::npos) << verbose.err;
    EXPECT_EQ(cli({"runs", (dir / "p").string()}).err.find("kestrel-cli runs"), std::string::npos);
}

// setup.sh demo without a display: the whole loop, each step's output, and its files.
TEST_F(CliTest, HeadlessDemoTourShowsTheWholeLoop) {
    namespace fs = std::filesystem;
    const fs::path project = dir / "demo";
    ASSERT_EQ(cli({"init", project.string(), "--demo"}).exitCode, 0);
    const ProcessResult tour = kestrel::testing::runProgram(
        "/bin/bash", {std::string(KESTREL_TEST_SOURCE_DIR) + "/scripts/demo_tour.sh",
                      KESTREL_CLI_PATH, project.string(), "--epochs", "2"});
    ASSERT_EQ(tour.exitCode, 0) << tour.err << tour.out;
    const std::string all = tour.out + tour.err;
    for (const char* shown :
         {" epoch  train loss", "Test accuracy", "Verified: top-1 agreed", "OpenCV DNN", "LibTorch",
          "Wrote the report of run 1", "Where everything is"}) {
        EXPECT_NE(all.find(shown), std::string::npos) << shown << "\n" << all;
    }
    // Three predictions, one line each, of test images.
    std::size_t predictions = 0;
    for (std::size_t at = all.find(".png: "); at != std::string::npos;
         at = all.find(".png: ", at + 1)) {
        ++predictions;
    }
    EXPECT_EQ(predictions, 3u) << all;
    for (const char* file : {"exports/run-1-smallcnn.pt", "exports/run-1-smallcnn.onnx",
                             "exports/run-1-report.html"}) {
        EXPECT_TRUE(fs::is_regular_file(project / file)) << file;
        EXPECT_NE(all.find((project / file).string()), std::string::npos) << file;
    }
}

TEST_F(CliTest, BenchLoaderServesTheBatchesAskedFor) {
    const std::string project = (dir / "demo").string();
    ASSERT_EQ(cli({"init", project, "--demo"}).exitCode, 0);
    const ProcessResult bench = cli({"bench", "loader", project, "--batches", "3", "--batch-size",
                                     "8", "--image-size", "64", "--json"});
    ASSERT_EQ(bench.exitCode, 0) << bench.err;
    const auto json = nlohmann::json::parse(bench.out);
    EXPECT_EQ(json.at("images"), 24);
    EXPECT_EQ(json.at("batches"), 3);
    EXPECT_EQ(json.at("unreadable"), 0);
    EXPECT_GT(json.at("images_per_second").get<double>(), 0.0);
}

TEST_F(CliTest, BenchLoaderOnAnEmptyProjectSaysWhy) {
    const std::string project = (dir / "empty").string();
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    const ProcessResult bench = cli({"bench", "loader", project});
    EXPECT_EQ(bench.exitCode, 1);
    EXPECT_EQ(bench.err, project + " has no readable, labelled samples in the train split to "
                                   "benchmark.\n");
}

TEST_F(CliTest, InfoOnAMissingFolderFailsWithOneSentence) {
    const ProcessResult info = cli({"info", "/nonexistent"});
    EXPECT_EQ(info.exitCode, 1);
    EXPECT_TRUE(info.out.empty()) << info.out;
    EXPECT_EQ(lineCount(info.err), 1u) << info.err;
    EXPECT_EQ(info.err, "Cannot open /nonexistent: the folder does not exist.\n");
}

TEST_F(CliTest, InfoOnACorruptProjectFileNamesItAndKeepsIt) {
    std::filesystem::create_directories(dir / "broken");
    const auto file = dir / "broken/project.kestrel";
    const std::string garbage = kestrel::testing::randomBytes(8192, 3);
    kestrel::testing::writeBytes(file, garbage);

    const ProcessResult info = cli({"info", (dir / "broken").string(), "--json"});
    EXPECT_EQ(info.exitCode, 1);
    EXPECT_TRUE(info.out.empty());
    EXPECT_EQ(lineCount(info.err), 1u) << info.err;
    EXPECT_NE(info.err.find(file.string()), std::string::npos) << info.err;
    EXPECT_EQ(kestrel::testing::readBytes(file), garbage);
}

TEST_F(CliTest, InitRefusesAnExistingProject) {
    ASSERT_EQ(cli({"init", dir.path().string()}).exitCode, 0);
    const ProcessResult again = cli({"init", dir.path().string()});
    EXPECT_EQ(again.exitCode, 1);
    EXPECT_NE(again.err.find("already holds a Kestrel project"), std::string::npos) << again.err;
}

TEST_F(CliTest, ImportThenInfoGiveExactCountsForAMessyFolder) {
    using kestrel::testing::writeImage;
    const auto src = dir / "images";
    writeImage(src / "good/part 1.png", 16, 16, 1);
    writeImage(src / "good/Ünïcode/part-2.JPG", 16, 16, 2);
    writeImage(src / "crack/part-3.bmp", 16, 16, 3);
    writeImage(src / "crack/part-4.tiff", 16, 16, 4, CV_16UC1);
    kestrel::testing::writeBytes(src / "crack/broken.png", "not a png");
    kestrel::testing::writeBytes(src / "crack/readme.txt", "ignored");
    const std::string project = (dir / "p").string();
    ASSERT_EQ(cli({"init", project}).exitCode, 0);

    const ProcessResult imported = cli({"import", project, src.string(), "--json"});
    ASSERT_EQ(imported.exitCode, 0) << imported.err;
    const auto report = nlohmann::json::parse(imported.out);
    EXPECT_EQ(report.at("format"), "imagefolder");
    EXPECT_EQ(report.at("added"), 4);
    ASSERT_EQ(report.at("unreadable").size(), 1u);
    EXPECT_EQ(report.at("unreadable")[0].at("path"), (src / "crack/broken.png").string());

    const auto info = nlohmann::json::parse(cli({"info", project, "--json"}).out);
    EXPECT_EQ(info.at("samples"), 4);
    EXPECT_EQ(info.at("unreadable"), 1);
    EXPECT_EQ(info.at("classes")[0].at("name"), "crack");
    EXPECT_EQ(info.at("classes")[0].at("count"), 2);
    EXPECT_EQ(info.at("classes")[1].at("name"), "good");
    EXPECT_EQ(info.at("classes")[1].at("count"), 2);
    const auto& splits = info.at("splits");
    EXPECT_EQ(splits.at("train").get<int>() + splits.at("val").get<int>() +
                  splits.at("test").get<int>(),
              4);

    const auto again = nlohmann::json::parse(cli({"import", project, src.string(), "--json"}).out);
    EXPECT_EQ(again.at("added"), 0);
    EXPECT_EQ(again.at("already_present"), 5);
}

TEST_F(CliTest, ImportOfABadCsvFailsNamingTheLine) {
    kestrel::testing::writeImage(dir / "a.png", 8, 8, 1);
    kestrel::testing::writeBytes(dir / "labels.csv", "path,label\na.png,ok\n,ok\n");
    const std::string project = (dir / "p").string();
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    const ProcessResult imported = cli({"import", project, (dir / "labels.csv").string()});
    EXPECT_EQ(imported.exitCode, 1);
    EXPECT_EQ(imported.err, (dir / "labels.csv").string() + ", line 3: the path is empty.\n");
    EXPECT_EQ(nlohmann::json::parse(cli({"info", project, "--json"}).out).at("samples"), 0);
}

TEST_F(CliTest, UsageErrorsExitWithTwo) {
    const std::vector<std::vector<std::string>> misuses = {
        {},                                     // no command
        {"frobnicate"},                         // unknown command
        {"info"},                               // missing project
        {"info", dir.path().string(), "--jsn"}, // unknown flag
        {"init", "a", "b"},                     // extra argument
    };
    for (const auto& args : misuses) {
        const ProcessResult result = cli(args);
        EXPECT_EQ(result.exitCode, 2) << "args: " << ::testing::PrintToString(args);
        EXPECT_EQ(lineCount(result.err), 1u) << result.err;
        EXPECT_TRUE(result.out.empty());
    }
}

TEST_F(CliTest, EveryCommandHasHelp) {
    for (const std::vector<std::string>& args : {std::vector<std::string>{"--help"},
                                                 {"init", "--help"},
                                                 {"info", "--help"},
                                                 {"import", "--help"},
                                                 {"bench", "--help"},
                                                 {"bench", "loader", "--help"},
                                                 {"bench", "train", "--help"},
                                                 {"bench", "infer", "--help"},
                                                 {"export", "--help"},
                                                 {"export-dataset", "--help"},
                                                 {"predict", "--help"},
                                                 {"train", "--help"},
                                                 {"runs", "--help"},
                                                 {"eval", "--help"},
                                                 {"audit", "--help"},
                                                 {"report", "--help"}}) {
        const ProcessResult help = cli(args);
        EXPECT_EQ(help.exitCode, 0) << ::testing::PrintToString(args);
        EXPECT_NE(help.out.find("Usage:"), std::string::npos) << help.out;
    }
}

TEST_F(CliTest, VersionNamesTheLibraries) {
    const ProcessResult version = cli({"--version"});
    EXPECT_EQ(version.exitCode, 0);
    EXPECT_NE(version.out.find("Kestrel "), std::string::npos);
    EXPECT_NE(version.out.find("LibTorch "), std::string::npos);
    EXPECT_NE(version.out.find("SQLite "), std::string::npos);
}

} // namespace
} // namespace kestrel
