// The training options of kestrel-cli train through the real binary: tasks, pretrained weights
// and augmentations, each checked in what the run records or refuses.
#include "../core/models/torchvision_reference.h"
#include "cli_test_support.h"
#include "files.h"
#include "left_right_images.h"
#include "local_http_server.h"
#include "project/project.h"
#include "segmentation_scans.h"
#include "store/run_repository.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kestrel {
namespace {

// A project at dir/p with 8 left and 8 right training images; empty when it could not be made.
std::string smallLeftRightProject(const std::filesystem::path& dir) {
    const std::string project = (dir / "p").string();
    kestrel::testing::writeLeftRightImages(dir / "source", 8);
    if (cli({"init", project}).exitCode != 0 ||
        cli({"import", project, (dir / "source").string()}).exitCode != 0) {
        return "";
    }
    return project;
}

// `--resume` of a recorded run with a setting the run keeps: refused in one sentence.
void expectResumeRefuses(const std::string& project, std::int64_t runId,
                         const std::vector<std::string>& setting) {
    std::vector<std::string> args = {"train", project, "--resume", std::to_string(runId)};
    args.insert(args.end(), setting.begin(), setting.end());
    const ProcessResult resumed = cli(args);
    EXPECT_EQ(resumed.exitCode, 1) << setting.front();
    EXPECT_NE(resumed.err.find("with the settings it started with"), std::string::npos)
        << resumed.err;
}

TEST_F(CliTest, TrainingForAnUnknownTaskFailsNamingItAndRecordsNoRun) {
    const std::string project = (dir / "p").string();
    kestrel::testing::writeLeftRightImages(dir / "source");
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    ASSERT_EQ(cli({"import", project, (dir / "source").string()}).exitCode, 0);
    const ProcessResult train =
        cli({"train", project, "--task", "keypoints", "--epochs", "1", "--device", "cpu"});
    EXPECT_EQ(train.exitCode, 1);
    EXPECT_EQ(lineCount(train.err), 1u) << train.err;
    EXPECT_NE(train.err.find("--task names the task \"keypoints\""), std::string::npos)
        << train.err;
    EXPECT_NE(train.err.find("classification"), std::string::npos) << train.err;
    EXPECT_NE(train.err.find("detection"), std::string::npos) << train.err;
    // A detector on a project without shapes: what is missing, in one sentence.
    const ProcessResult boxes =
        cli({"train", project, "--task", "detection", "--epochs", "1", "--device", "cpu"});
    EXPECT_EQ(boxes.exitCode, 1);
    EXPECT_EQ(lineCount(boxes.err), 1u) << boxes.err;
    EXPECT_NE(boxes.err.find("has a shape to box"), std::string::npos) << boxes.err;
    // --join-run is how the window starts its other ranks; alone it has no run to join.
    const ProcessResult joined = cli({"train", project, "--join-run", "1", "--device", "cpu"});
    EXPECT_EQ(joined.exitCode, 1);
    EXPECT_EQ(lineCount(joined.err), 1u) << joined.err;
    EXPECT_NE(joined.err.find("WORLD_SIZE is not set"), std::string::npos) << joined.err;
    EXPECT_TRUE(nlohmann::json::parse(cli({"runs", project, "--json"}).out).at("runs").empty());
}

// The weights commands keep their store in the test's folder, never the user's.
class CliWeightsTest : public CliTest {
protected:
    void SetUp() override { ::setenv("KESTREL_WEIGHTS_DIR", (dir / "weights").c_str(), 1); }
    void TearDown() override { ::unsetenv("KESTREL_WEIGHTS_DIR"); }
};

TEST_F(CliWeightsTest, FetchFromAMirrorRefusesAFileWhoseHashDiffersAndKeepsNothing) {
    kestrel::testing::LocalHttpServer mirror;
    mirror.add("/models/resnet18-f37072fd.pth", {kestrel::testing::randomBytes(40000, 5)});
    const ProcessResult fetch =
        cli({"weights", "fetch", "resnet18", "--from", mirror.url("/models/")});
    EXPECT_EQ(fetch.exitCode, 1);
    EXPECT_EQ(mirror.requested(), std::vector<std::string>{"/models/resnet18-f37072fd.pth"});
    EXPECT_NE(fetch.err.find("SHA-256"), std::string::npos) << fetch.err;
    EXPECT_NE(fetch.err.find("nothing was kept"), std::string::npos) << fetch.err;

    const ProcessResult list = cli({"weights", "list", "--json"});
    ASSERT_EQ(list.exitCode, 0) << list.err;
    const auto json = nlohmann::json::parse(list.out);
    EXPECT_EQ(json.at("folder"), (dir / "weights").string());
    EXPECT_TRUE(json.at("weights").empty());

    const ProcessResult down =
        cli({"weights", "fetch", "resnet18", "--from",
             "http://127.0.0.1:" + std::to_string(testing::LocalHttpServer::closedPort())});
    EXPECT_EQ(down.exitCode, 1);
    EXPECT_EQ(lineCount(down.err), 1u) << down.err;
    EXPECT_NE(down.err.find("weights import FILE --model NAME"), std::string::npos) << down.err;
    const ProcessResult none = cli({"weights", "fetch", "smallcnn"});
    EXPECT_EQ(none.exitCode, 1);
    EXPECT_NE(none.err.find("resnet18"), std::string::npos) << none.err;
}

TEST_F(CliWeightsTest, TrainingStartsFromTheStoresWeightsByDefaultAndSaysSo) {
    std::filesystem::create_directories(dir / "torchvision");
    const auto reference =
        kestrel::testing::writeTorchvisionModels(dir / "torchvision", {"mobilenet_v3_small"});
    if (!reference.available) {
        GTEST_SKIP() << "no PyTorch reference: " << reference.problem;
    }
    const std::string project = smallLeftRightProject(dir.path());
    ASSERT_FALSE(project.empty());

    const ProcessResult missing = cli({"train", project, "--model", "mobilenet_v3_small",
                                       "--weights", "imagenet", "--device", "cpu"});
    EXPECT_EQ(missing.exitCode, 1);
    EXPECT_NE(missing.err.find("kestrel-cli weights fetch mobilenet_v3_small"), std::string::npos)
        << missing.err;
    const ProcessResult tiny =
        cli({"train", project, "--model", "smallcnn", "--weights", "imagenet", "--device", "cpu"});
    EXPECT_EQ(tiny.exitCode, 1);
    EXPECT_NE(tiny.err.find("smallcnn has no ImageNet weights"), std::string::npos) << tiny.err;
    EXPECT_TRUE(nlohmann::json::parse(cli({"runs", project, "--json"}).out).at("runs").empty());

    const ProcessResult import =
        cli({"weights", "import", (dir / "torchvision" / "mobilenet_v3_small.pth").string(),
             "--model", "mobilenet_v3_small"});
    ASSERT_EQ(import.exitCode, 0) << import.err;
    const ProcessResult train =
        cli({"train", project, "--model", "mobilenet_v3_small", "--epochs", "1", "--batch-size",
             "8", "--image-size", "32", "--device", "cpu", "--no-augment"});
    ASSERT_EQ(train.exitCode, 0) << train.err;
    EXPECT_NE(train.err.find("mobilenet_v3_small's pretrained weights in the store"),
              std::string::npos)
        << train.err;
    EXPECT_NE(train.err.find("Started from"), std::string::npos) << train.err;

    const ProcessResult scratch =
        cli({"train", project, "--model", "mobilenet_v3_small", "--weights", "scratch", "--epochs",
             "1", "--batch-size", "8", "--image-size", "32", "--device", "cpu", "--no-augment"});
    ASSERT_EQ(scratch.exitCode, 0) << scratch.err;
    EXPECT_EQ(scratch.err.find("Started from"), std::string::npos) << scratch.err;
}

// lraspp_mobilenet_v3_large starts its backbone from mobilenet_v3_large's ImageNet weights.
TEST_F(CliWeightsTest, ASegmenterStartsFromItsBackbonesWeightsInTheStore) {
    std::filesystem::create_directories(dir / "torchvision");
    const auto reference =
        kestrel::testing::writeTorchvisionModels(dir / "torchvision", {"mobilenet_v3_large"});
    if (!reference.available) {
        GTEST_SKIP() << "no PyTorch reference: " << reference.problem;
    }
    const std::string project = (dir / "p").string();
    const auto scans = kestrel::testing::writeSegmentationCoco(dir / "scans", 8, 4, 32);
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    ASSERT_EQ(cli({"import", project, scans.folder.string()}).exitCode, 0);

    const ProcessResult unet = cli({"train", project, "--task", "segmentation", "--model", "unet",
                                    "--weights", "imagenet", "--device", "cpu"});
    EXPECT_EQ(unet.exitCode, 1);
    EXPECT_NE(unet.err.find("unet has no ImageNet weights; --model lraspp_mobilenet_v3_large"),
              std::string::npos)
        << unet.err;
    ASSERT_EQ(cli({"weights", "import", (dir / "torchvision" / "mobilenet_v3_large.pth").string(),
                   "--model", "mobilenet_v3_large"})
                  .exitCode,
              0);
    const ProcessResult train =
        cli({"train", project, "--task", "segmentation", "--model", "lraspp_mobilenet_v3_large",
             "--epochs", "1", "--image-size", "32", "--crop-size", "0", "--batch-size", "4",
             "--device", "cpu"});
    ASSERT_EQ(train.exitCode, 0) << train.err;
    EXPECT_NE(train.err.find("mobilenet_v3_large's pretrained weights in the store"),
              std::string::npos)
        << train.err;
    EXPECT_NE(train.err.find("Started from"), std::string::npos) << train.err;
}

TEST_F(CliTest, TrainSetsEveryAugmentationFromTheCommandLineAndRecordsIt) {
    const std::string project = smallLeftRightProject(dir.path());
    ASSERT_FALSE(project.empty());

    const ProcessResult twirl = cli({"train", project, "--augment", "twirl=1", "--epochs", "1"});
    EXPECT_EQ(twirl.exitCode, 1);
    EXPECT_EQ(lineCount(twirl.err), 1u) << twirl.err;
    EXPECT_NE(twirl.err.find("\"twirl\" is not an augmentation"), std::string::npos) << twirl.err;

    const ProcessResult train =
        cli({"train", project, "--any-orientation", "--augment", "rotate=0.5:15", "--augment",
             "noise=0.2:4", "--augment", "crop=0", "--epochs", "1", "--image-size", "16",
             "--device", "cpu", "--json"});
    ASSERT_EQ(train.exitCode, 0) << train.err;
    const auto runId = nlohmann::json::parse(train.out).at("run").get<std::int64_t>();
    Project opened = Project::open(project);
    const auto params = store::RunRepository(opened.database()).params(runId);
    EXPECT_DOUBLE_EQ(std::stod(params.at("augment.vertical_flip")), 0.5);
    EXPECT_DOUBLE_EQ(std::stod(params.at("augment.horizontal_flip")), 0.5);
    EXPECT_DOUBLE_EQ(std::stod(params.at("augment.rotate90")), 0.75);
    EXPECT_DOUBLE_EQ(std::stod(params.at("augment.rotation")), 0.5);
    EXPECT_DOUBLE_EQ(std::stod(params.at("augment.rotation_degrees")), 15);
    EXPECT_DOUBLE_EQ(std::stod(params.at("augment.noise")), 0.2);
    EXPECT_DOUBLE_EQ(std::stod(params.at("augment.noise_sigma")), 4);
    EXPECT_DOUBLE_EQ(std::stod(params.at("augment.resized_crop")), 0);
    EXPECT_EQ(nlohmann::json::parse(cli({"runs", project, "--json"}).out).at("runs").size(), 1u);
}

TEST_F(CliTest, EmaRecordsItsHorizonAndIsRefusedWhereItCannotApply) {
    const std::string project = smallLeftRightProject(dir.path());
    ASSERT_FALSE(project.empty());

    const ProcessResult negative = cli({"train", project, "--ema", "-3", "--epochs", "1"});
    EXPECT_NE(negative.exitCode, 0);
    EXPECT_NE(negative.err.find("--ema"), std::string::npos) << negative.err;

    const ProcessResult train = cli({"train", project, "--ema", "3", "--epochs", "2",
                                     "--image-size", "16", "--device", "cpu", "--json"});
    ASSERT_EQ(train.exitCode, 0) << train.err;
    const auto runId = nlohmann::json::parse(train.out).at("run").get<std::int64_t>();
    {
        Project opened = Project::open(project);
        EXPECT_EQ(store::RunRepository(opened.database()).params(runId).at("ema_horizon"), "3");
    }
    expectResumeRefuses(project, runId, {"--ema", "10"});
    const ProcessResult anomaly = cli({"train", project, "--task", "anomaly", "--ema", "10"});
    EXPECT_EQ(anomaly.exitCode, 1);
    EXPECT_NE(anomaly.err.find("--ema"), std::string::npos) << anomaly.err;
}

TEST_F(CliTest, ValidatingEveryFewEpochsLeavesTheOthersBlankAndIsRecorded) {
    const std::string project = smallLeftRightProject(dir.path());
    ASSERT_FALSE(project.empty());

    const ProcessResult zero = cli({"train", project, "--validate-every", "0", "--epochs", "1"});
    EXPECT_NE(zero.exitCode, 0);
    EXPECT_NE(zero.err.find("--validate-every"), std::string::npos) << zero.err;

    const ProcessResult train = cli({"train", project, "--validate-every", "2", "--epochs", "3",
                                     "--image-size", "16", "--device", "cpu", "--json"});
    ASSERT_EQ(train.exitCode, 0) << train.err;
    // One table row per epoch: the first without validation figures, the second with them,
    // and the last with them too.
    std::vector<std::string> rows;
    std::istringstream lines(train.err);
    for (std::string line; std::getline(lines, line);) {
        if (line.size() > 6 && line[0] == ' ' &&
            std::isdigit(static_cast<unsigned char>(line[5]))) {
            rows.push_back(line);
        }
    }
    ASSERT_EQ(rows.size(), 3u) << train.err;
    EXPECT_NE(rows[0].find(" -  "), std::string::npos) << rows[0];
    EXPECT_EQ(std::count(rows[0].begin(), rows[0].end(), '%'), 1) << rows[0]; // training's alone
    EXPECT_EQ(std::count(rows[1].begin(), rows[1].end(), '%'), 2) << rows[1];
    EXPECT_EQ(std::count(rows[2].begin(), rows[2].end(), '%'), 2) << rows[2];
    // The pace is told after the first validation, which it includes.
    EXPECT_LT(train.err.find("expected to finish in about"), train.err.find(rows[2])) << train.err;
    EXPECT_GT(train.err.find("expected to finish in about"), train.err.find(rows[1])) << train.err;
    const auto runId = nlohmann::json::parse(train.out).at("run").get<std::int64_t>();
    {
        Project opened = Project::open(project);
        store::RunRepository runs(opened.database());
        EXPECT_EQ(runs.params(runId).at("validate_every"), "2");
        EXPECT_EQ(runs.metrics(runId, "val_loss").size(), 2u);
        EXPECT_EQ(runs.metrics(runId, "train_loss").size(), 3u);
    }
    expectResumeRefuses(project, runId, {"--validate-every", "3"});
}

TEST_F(CliTest, ResumingRefusesEverySettingTheRunRecordedNamingIt) {
    const std::string project = smallLeftRightProject(dir.path());
    ASSERT_FALSE(project.empty());
    const ProcessResult train =
        cli({"train", project, "--epochs", "1", "--image-size", "16", "--device", "cpu", "--json"});
    ASSERT_EQ(train.exitCode, 0) << train.err;
    const auto runId = nlohmann::json::parse(train.out).at("run").get<std::int64_t>();
    // These were once taken and silently ignored: the resumed run kept its recorded values.
    for (const std::vector<std::string>& setting :
         std::vector<std::vector<std::string>>{{"--patience", "2"},
                                               {"--monitor", "val_loss"},
                                               {"--optimizer", "adam"},
                                               {"--precision", "fp32"},
                                               {"--no-augment"},
                                               {"--min-area", "5"}}) {
        std::vector<std::string> args = {"train", project, "--resume", std::to_string(runId)};
        args.insert(args.end(), setting.begin(), setting.end());
        const ProcessResult refused = cli(args);
        EXPECT_EQ(refused.exitCode, 1) << setting.front();
        EXPECT_EQ(lineCount(refused.err), 1u) << refused.err;
        EXPECT_NE(refused.err.find("leave out " + setting.front() + " and"), std::string::npos)
            << refused.err;
    }
    // Where and how fast to train are still taken: this resume gets as far as the run itself,
    // which has completed.
    const ProcessResult resumed = cli({"train", project, "--resume", std::to_string(runId),
                                       "--device", "cpu", "--threads", "1", "--workers", "1"});
    EXPECT_EQ(resumed.exitCode, 1);
    EXPECT_NE(resumed.err.find("has completed; there is nothing to resume"), std::string::npos)
        << resumed.err;
}

} // namespace
} // namespace kestrel
