// The training commands through the real kestrel-cli binary: train, runs and eval together,
// runs killed outright and resumed, exports that agree across formats and with Python, the
// inference bench and the label audit.
#include "cli_test_support.h"
#include "files.h"
#include "left_right_images.h"
#include "process.h"
#include "temp_dir.h"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kestrel {
namespace {

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
