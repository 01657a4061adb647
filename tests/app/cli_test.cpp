// Drives the real kestrel-cli binary the way scripts do: exit codes, stdout JSON, and one
// plain sentence on stderr for a failure.
#include "cli_test_support.h"
#include "files.h"
#include "images.h"
#include "left_right_images.h"
#include "process.h"
#include "store/migrations.h"
#include "temp_dir.h"

#include <algorithm>
#include <filesystem>
#include <regex>
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

// The training commands end to end on a task built here: train records a run, runs lists it,
// eval measures its best checkpoint, and bad requests name what is wrong.
TEST_F(CliTest, TrainRunsAndEvalWorkTogether) {
    const std::string project = (dir / "p").string();
    const ProcessResult train = trainLeftRight(project);
    ASSERT_EQ(train.exitCode, 0) << train.err;
    EXPECT_EQ(lineCount(train.out), 1u) << train.out;
    const auto trained = nlohmann::json::parse(train.out);
    EXPECT_EQ(trained.at("status"), "completed");
    EXPECT_EQ(trained.at("task"), "classification");
    EXPECT_EQ(trained.at("model"), "smallcnn");
    EXPECT_GE(trained.at("metrics").at("test_accuracy").get<double>(), 0.8);
    EXPECT_NE(train.err.find("Training on cpu"), std::string::npos) << train.err;
    // Each epoch's line ends with the validation recall of every class.
    const std::regex epochLine(R"(\n +4 .*  recall left \d+ right \d+\n)");
    EXPECT_TRUE(std::regex_search(train.err, epochLine)) << train.err;
    // Scoring all 144 images (96 train, 24 val, 24 test) for the review takes a while; it is
    // announced, not a silent wait.
    EXPECT_NE(train.err.find("Scoring the run's 144 images for review.\n"), std::string::npos)
        << train.err;
    const int run = trained.at("run");

    const ProcessResult runs = cli({"runs", project, "--json"});
    ASSERT_EQ(runs.exitCode, 0) << runs.err;
    const auto listed = nlohmann::json::parse(runs.out).at("runs");
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].at("id"), run);
    EXPECT_EQ(listed[0].at("status"), "completed");
    EXPECT_EQ(listed[0].at("task"), "classification");
    EXPECT_EQ(listed[0].at("model"), "smallcnn");
    EXPECT_EQ(listed[0].at("epochs"), 4);
    EXPECT_TRUE(listed[0].at("metrics").contains("val_accuracy"));

    const ProcessResult eval =
        cli({"eval", project, "--run", std::to_string(run), "--split", "test", "--json"});
    ASSERT_EQ(eval.exitCode, 0) << eval.err;
    const auto evaluated = nlohmann::json::parse(eval.out);
    EXPECT_EQ(evaluated.at("classes"), (std::vector<std::string>{"left", "right"}));
    const auto matrix = evaluated.at("confusion_matrix");
    ASSERT_EQ(matrix.size(), 2u);
    const int total = matrix[0][0].get<int>() + matrix[0][1].get<int>() + matrix[1][0].get<int>() +
                      matrix[1][1].get<int>();
    EXPECT_EQ(total, 24); // 12 test images per class
    EXPECT_DOUBLE_EQ(evaluated.at("accuracy").get<double>(),
                     (matrix[0][0].get<int>() + matrix[1][1].get<int>()) / 24.0);
    EXPECT_DOUBLE_EQ(evaluated.at("accuracy").get<double>(),
                     trained.at("metrics").at("test_accuracy").get<double>());
    EXPECT_EQ(evaluated.at("per_class").size(), 2u);
    EXPECT_TRUE(evaluated.at("per_class")[0].contains("f1"));
    EXPECT_TRUE(evaluated.contains("roc_auc")); // two classes

    const ProcessResult missing = cli({"eval", project, "--run", "99"});
    EXPECT_EQ(missing.exitCode, 1);
    EXPECT_EQ(lineCount(missing.err), 1u) << missing.err;
    EXPECT_NE(missing.err.find("no run 99"), std::string::npos) << missing.err;

    const ProcessResult resume = cli({"train", project, "--resume", std::to_string(run)});
    EXPECT_EQ(resume.exitCode, 1);
    EXPECT_NE(resume.err.find("has completed"), std::string::npos) << resume.err;

    const ProcessResult badModel = cli({"train", project, "--model", "vgg99"});
    EXPECT_EQ(badModel.exitCode, 1);
    EXPECT_NE(badModel.err.find("vgg99"), std::string::npos) << badModel.err;

    // report writes one self-contained HTML file (tests/core/report checks its content).
    const std::string html = (dir / "run.html").string();
    const ProcessResult report =
        cli({"report", project, "--run", std::to_string(run), "--output", html, "--json"});
    ASSERT_EQ(report.exitCode, 0) << report.err;
    const auto reported = nlohmann::json::parse(report.out);
    EXPECT_EQ(reported.at("run"), run);
    EXPECT_EQ(reported.at("bytes").get<std::size_t>(), std::filesystem::file_size(html));
    EXPECT_EQ(kestrel::testing::readBytes(html).rfind("<!DOCTYPE html>", 0), 0u);
    const ProcessResult noRun = cli({"report", project, "--run", "99", "--output", html});
    EXPECT_EQ(noRun.exitCode, 1);
    EXPECT_EQ(lineCount(noRun.err), 1u) << noRun.err;
    EXPECT_NE(noRun.err.find("no run 99"), std::string::npos) << noRun.err;
}

// Starts `train` for `epochs` on `project`, waits for the first epoch's checkpoint, then
// SIGKILLs the process: no chance to clean up. The shell prints the exit status it saw, 137
// when killed.
ProcessResult killTrainingAfterItsFirstEpoch(const std::string& project, int epochs) {
    const char* killScript = R"sh(
        "$1" train "$2" --epochs "$3" --batch-size 16 --image-size 16 --device cpu 2>/dev/null &
        pid=$!
        tries=0
        while [ ! -f "$2/runs/1/last.pt" ] && [ $tries -lt 6000 ]; do
            sleep 0.01
            tries=$((tries + 1))
        done
        kill -9 $pid
        wait $pid
        echo $?)sh";
    return kestrel::testing::runProgram(
        "/bin/sh", {"-c", killScript, "sh", KESTREL_CLI_PATH, project, std::to_string(epochs)});
}

// A training process killed outright leaves a run that `runs` shows as interrupted and
// `train --resume` finishes from its last checkpoint.
TEST_F(CliTest, AKilledTrainingRunShowsAsInterruptedAndResumes) {
    const std::string project = (dir / "p").string();
    kestrel::testing::writeLeftRightImages(dir / "source");
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    ASSERT_EQ(cli({"import", project, (dir / "source").string()}).exitCode, 0);
    const ProcessResult killed = killTrainingAfterItsFirstEpoch(project, 12);
    ASSERT_EQ(killed.out, "137\n") << "the run was not killed mid-way: " << killed.err;

    const ProcessResult runs = cli({"runs", project, "--json"});
    ASSERT_EQ(runs.exitCode, 0) << runs.err;
    const auto listed = nlohmann::json::parse(runs.out).at("runs");
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].at("status"), "interrupted");

    const ProcessResult resumed = cli({"train", project, "--resume", "1", "--json"});
    ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
    EXPECT_NE(resumed.err.find("resuming after epoch"), std::string::npos) << resumed.err;
    const auto finished = nlohmann::json::parse(resumed.out);
    EXPECT_EQ(finished.at("status"), "completed");
    EXPECT_EQ(finished.at("epochs"), 12);
}

// The images inside the project folder, so the store keeps them relative to it: after the
// folder is moved, `train --resume` finds the same data (the fingerprint hashes stored paths,
// not where the folder lives) and finishes the run.
TEST_F(CliTest, AKilledRunResumesAfterItsProjectFolderMoved) {
    const std::string project = (dir / "p").string();
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    kestrel::testing::writeLeftRightImages(dir / "p" / "images");
    ASSERT_EQ(cli({"import", project, (dir / "p" / "images").string()}).exitCode, 0);
    const ProcessResult killed = killTrainingAfterItsFirstEpoch(project, 4);
    ASSERT_EQ(killed.out, "137\n") << "the run was not killed mid-way: " << killed.err;

    const std::string moved = (dir / "moved").string();
    std::filesystem::rename(project, moved);
    const ProcessResult resumed = cli({"train", moved, "--resume", "1", "--json"});
    ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
    const auto finished = nlohmann::json::parse(resumed.out);
    EXPECT_EQ(finished.at("status"), "completed");
    EXPECT_EQ(finished.at("epochs"), 4);
}

// One command exports both formats; `predict` answers alike through torch::jit and OpenCV
// DNN; Python's torch.jit.load agrees with Kestrel's answers and onnx's checker accepts the
// ONNX file.
TEST_F(CliTest, ExportedModelsAgreeAcrossFormatsAndWithPython) {
    const std::string project = (dir / "p").string();
    const ProcessResult train = trainLeftRight(project);
    ASSERT_EQ(train.exitCode, 0) << train.err;
    const std::string run = std::to_string(nlohmann::json::parse(train.out).at("run").get<int>());

    const ProcessResult exported =
        cli({"export", project, "--run", run, "--output", (dir / "model.pt").string(), "--json"});
    ASSERT_EQ(exported.exitCode, 0) << exported.err;
    const auto exports = nlohmann::json::parse(exported.out).at("exports");
    ASSERT_EQ(exports.size(), 2u);
    EXPECT_EQ(exports[0].at("format"), "torchscript");
    EXPECT_EQ(exports[1].at("format"), "onnx");
    EXPECT_EQ(exports[1].at("file"), (dir / "model.onnx").string());
    for (const auto& file : exports) {
        EXPECT_TRUE(file.at("verification").at("passed").get<bool>()) << file;
        EXPECT_EQ(file.at("verification").at("samples"), 24);
        EXPECT_TRUE(std::filesystem::exists(file.at("card").get<std::string>()));
    }

    std::vector<std::string> images;
    for (const std::string name : {"left", "right"}) {
        for (const auto& entry : std::filesystem::directory_iterator(dir / "source/test" / name)) {
            images.push_back(entry.path().string());
        }
    }
    images.push_back((dir / "model.pt.card.json").string()); // not an image
    std::vector<std::string> args = {"predict", (dir / "model.pt").string()};
    args.insert(args.end(), images.begin(), images.end());
    args.push_back("--json");
    const ProcessResult fromTorchScript = cli(args);
    args[1] = (dir / "model.onnx").string();
    const ProcessResult fromOnnx = cli(args);
    // The unreadable file fails the command, is named, and the other images are answered.
    EXPECT_EQ(fromTorchScript.exitCode, 1);
    EXPECT_NE(fromTorchScript.err.find("model.pt.card.json"), std::string::npos)
        << fromTorchScript.err;
    const auto a = nlohmann::json::parse(fromTorchScript.out).at("predictions");
    const auto b = nlohmann::json::parse(fromOnnx.out).at("predictions");
    ASSERT_EQ(a.size(), images.size());
    ASSERT_EQ(b.size(), images.size());
    EXPECT_TRUE(a.back().contains("error"));
    int right = 0;
    for (std::size_t i = 0; i + 1 < images.size(); ++i) {
        EXPECT_EQ(a[i].at("image"), images[i]);
        EXPECT_EQ(a[i].at("class"), b[i].at("class")) << images[i];
        for (const std::string name : {"left", "right"}) {
            EXPECT_NEAR(a[i].at("scores").at(name).get<double>(),
                        b[i].at("scores").at(name).get<double>(), 1e-4);
        }
        right +=
            images[i].find("/" + a[i].at("class").get<std::string>() + "/") != std::string::npos
                ? 1
                : 0;
    }
    EXPECT_GE(right, 20);

    // Python's view of the same files (the readable images only).
    nlohmann::json readable = nlohmann::json::parse(fromTorchScript.out);
    readable["predictions"].erase(readable["predictions"].size() - 1);
    kestrel::testing::writeBytes(dir / "predictions.json", readable.dump());
    const ProcessResult python = kestrel::testing::runProgram(
        KESTREL_REFERENCE_PYTHON,
        {std::string(KESTREL_TEST_SOURCE_DIR) + "/tests/app/check_exports.py",
         (dir / "model.pt").string(), (dir / "model.onnx").string(),
         (dir / "predictions.json").string()});
    if (python.exitCode == 3) {
        GTEST_SKIP() << "no PyTorch/onnx reference: " << python.err;
    }
    EXPECT_EQ(python.exitCode, 0) << python.out << python.err;

    const ProcessResult missingRun = cli({"export", project, "--run", "77"});
    EXPECT_EQ(missingRun.exitCode, 1);
    EXPECT_EQ(lineCount(missingRun.err), 1u) << missingRun.err;
    const ProcessResult notAModel =
        cli({"predict", (dir / "predictions.json").string(), images[0]});
    EXPECT_EQ(notAModel.exitCode, 1);
    EXPECT_NE(notAModel.err.find("predictions.json"), std::string::npos) << notAModel.err;
}

TEST_F(CliTest, BenchInferTimesBothFormatsOfAnArchitecture) {
    const ProcessResult bench = cli({"bench", "infer", "smallcnn", "--image-size", "28",
                                     "--channels", "1", "--runs", "3", "--json"});
    ASSERT_EQ(bench.exitCode, 0) << bench.err;
    const auto formats = nlohmann::json::parse(bench.out).at("formats");
    ASSERT_EQ(formats.size(), 2u);
    EXPECT_EQ(formats[0].at("format"), "torchscript");
    EXPECT_EQ(formats[1].at("format"), "onnx");
    for (const auto& format : formats) {
        EXPECT_GT(format.at("p50_ms").get<double>(), 0.0);
        EXPECT_GE(format.at("p99_ms").get<double>(), format.at("p50_ms").get<double>());
        EXPECT_GT(format.at("images_per_second").get<double>(), 0.0);
    }
    const ProcessResult unknown = cli({"bench", "infer", "vgg16"});
    EXPECT_EQ(unknown.exitCode, 1);
    EXPECT_NE(unknown.err.find("vgg16"), std::string::npos) << unknown.err;
}

TEST_F(CliTest, BenchTrainReportsImagesPerSecond) {
    const ProcessResult bench =
        cli({"bench", "train", "--model", "smallcnn", "--image-size", "16", "--channels", "1",
             "--batch-size", "8", "--steps", "2", "--device", "cpu", "--json"});
    ASSERT_EQ(bench.exitCode, 0) << bench.err;
    const auto json = nlohmann::json::parse(bench.out);
    EXPECT_GT(json.at("images_per_second").get<double>(), 0.0);
    EXPECT_EQ(json.at("images"), 16);
    // It measures what training does: channels-last unless told otherwise.
    EXPECT_EQ(json.at("channels_last"), true);

    const ProcessResult nchw = cli({"bench", "train", "--model", "smallcnn", "--image-size", "16",
                                    "--channels", "1", "--batch-size", "8", "--steps", "1",
                                    "--device", "cpu", "--no-channels-last", "--json"});
    ASSERT_EQ(nchw.exitCode, 0) << nchw.err;
    EXPECT_EQ(nlohmann::json::parse(nchw.out).at("channels_last"), false);
}

// The label audit end to end on a small project: one JSON object of the documented shape,
// ranked; the table for people; and refusals that say why.
TEST_F(CliTest, AuditRanksLikelyLabelErrors) {
    const std::string project = (dir / "p").string();
    kestrel::testing::writeLeftRightImages(dir / "source", 12); // 18 images per class
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    ASSERT_EQ(cli({"import", project, (dir / "source").string()}).exitCode, 0);
    const std::vector<std::string> settings = {"--folds",      "2",   "--epochs",     "2",
                                               "--image-size", "16",  "--batch-size", "8",
                                               "--device",     "cpu", "--no-augment"};
    std::vector<std::string> args = {"audit", project, "--top", "3", "--json"};
    args.insert(args.end(), settings.begin(), settings.end());
    const ProcessResult audit = cli(args);
    ASSERT_EQ(audit.exitCode, 0) << audit.err;
    EXPECT_EQ(lineCount(audit.out), 1u) << audit.out;
    EXPECT_NE(audit.err.find("Fold 2/2"), std::string::npos) << audit.err;
    const auto json = nlohmann::json::parse(audit.out);
    EXPECT_EQ(json.at("audit"), 1);
    EXPECT_EQ(json.at("status"), "completed");
    EXPECT_EQ(json.at("folds"), 2);
    EXPECT_EQ(json.at("model"), "smallcnn");
    EXPECT_EQ(json.at("classes"), (std::vector<std::string>{"left", "right"}));
    EXPECT_EQ(json.at("samples"), 36);
    const int flagged = json.at("flagged");
    EXPECT_GE(flagged, 0);
    EXPECT_LE(flagged, 36);
    EXPECT_GE(json.at("agreement").get<double>(), 0.0);
    EXPECT_LE(json.at("agreement").get<double>(), 1.0);
    const auto& issues = json.at("issues");
    ASSERT_TRUE(issues.is_array());
    EXPECT_EQ(issues.size(), static_cast<std::size_t>(std::min(flagged, 3)));
    double previous = 2;
    for (const auto& issue : issues) {
        EXPECT_GT(issue.at("sample_id").get<int>(), 0);
        EXPECT_TRUE(std::filesystem::exists(issue.at("path").get<std::string>())) << issue;
        EXPECT_NE(issue.at("given"), issue.at("suggested"));
        const double given = issue.at("given_probability");
        const double suggested = issue.at("suggested_probability");
        EXPECT_GE(given, 0.0);
        EXPECT_LE(suggested, 1.0);
        EXPECT_NEAR(issue.at("score").get<double>(), suggested - given, 1e-6);
        EXPECT_LE(issue.at("score").get<double>(), previous) << "ranked by score";
        previous = issue.at("score");
    }

    args = {"audit", project, "--top", "0"};
    args.insert(args.end(), settings.begin(), settings.end());
    const ProcessResult table = cli(args);
    ASSERT_EQ(table.exitCode, 0) << table.err;
    EXPECT_NE(table.out.find(" of 36 samples look mislabelled; audit #2.\n"), std::string::npos)
        << table.out;

    const ProcessResult oneFold = cli({"audit", project, "--folds", "1"});
    EXPECT_EQ(oneFold.exitCode, 2) << oneFold.err;
    const std::string empty = (dir / "empty").string();
    ASSERT_EQ(cli({"init", empty}).exitCode, 0);
    const ProcessResult nothing = cli({"audit", empty, "--device", "cpu"});
    EXPECT_EQ(nothing.exitCode, 1);
    EXPECT_EQ(nothing.err, "A label audit needs readable samples labelled with at least 2 "
                           "classes; " +
                               empty + " has 0.\n");
}

} // namespace
} // namespace kestrel
