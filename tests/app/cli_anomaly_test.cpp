// Anomaly detection through the real binary: `train --task anomaly` fits on the good parts,
// `eval --json` measures the saved model, `export` verifies both formats and `predict` gives
// every image a score, a verdict and, with --maps, a heat map.
#include "anomaly_surfaces.h"
#include "cli_test_support.h"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kestrel {
namespace {

TEST_F(CliTest, AnomalyDetectionTrainsEvaluatesExportsAndPredictsWithMaps) {
    const std::string project = (dir / "p").string();
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    // Inside the project, so the images held out for validation (chosen by their stored paths)
    // are the same in every run, not drawn again with each temporary folder's name.
    kestrel::testing::writeSurfaceSet(dir / "p/surfaces", 48, 24, 6, 3, 21);
    ASSERT_EQ(cli({"import", project, (dir / "p/surfaces").string(), "--format", "mvtec"}).exitCode,
              0);
    const ProcessResult train = cli({"train", project, "--task", "anomaly", "--image-size", "48",
                                     "--weights", "scratch", "--device", "cpu", "--json"});
    ASSERT_EQ(train.exitCode, 0) << train.err;
    EXPECT_NE(train.err.find("No pretrained weights"), std::string::npos) << train.err;
    const auto trained = nlohmann::json::parse(train.out);
    EXPECT_EQ(trained.at("task"), "anomaly");
    EXPECT_EQ(trained.at("status"), "completed");
    EXPECT_EQ(trained.at("method"), "patchcore");
    EXPECT_GT(trained.at("memory_rows").get<int>(), 0);
    const std::string run = std::to_string(trained.at("run").get<int>());

    const ProcessResult eval = cli({"eval", project, "--run", run, "--json"});
    ASSERT_EQ(eval.exitCode, 0) << eval.err;
    const auto evaluated = nlohmann::json::parse(eval.out);
    EXPECT_EQ(evaluated.at("task"), "anomaly");
    EXPECT_EQ(evaluated.at("classes"), nlohmann::json({"good", "defect"}));
    EXPECT_DOUBLE_EQ(evaluated.at("threshold").get<double>(), 0.5);
    EXPECT_NEAR(evaluated.at("image_auroc").get<double>(),
                trained.at("metrics").at("test_image_auroc").get<double>(), 1e-9);
    EXPECT_TRUE(evaluated.contains("pixel_auroc"));
    const auto matrix = evaluated.at("confusion_matrix");
    EXPECT_EQ(matrix[0][0].get<int>() + matrix[0][1].get<int>(), 6); // good test parts
    EXPECT_EQ(matrix[1][0].get<int>() + matrix[1][1].get<int>(), 9); // defects

    const ProcessResult exported =
        cli({"export", project, "--run", run, "--output", (dir / "detector.pt").string()});
    ASSERT_EQ(exported.exitCode, 0) << exported.err;
    EXPECT_NE(exported.err.find("of the threshold"), std::string::npos) << exported.err;
    for (const char* file : {"detector.pt", "detector.onnx"}) {
        const ProcessResult predict =
            cli({"predict", (dir / file).string(), (dir / "p/surfaces/test/stain/000.png").string(),
                 (dir / "p/surfaces/test/good/000.png").string(), "--maps", (dir / "maps").string(),
                 "--json"});
        ASSERT_EQ(predict.exitCode, 0) << predict.err;
        const auto predicted = nlohmann::json::parse(predict.out);
        ASSERT_EQ(predicted.at("predictions").size(), 2U);
        for (const auto& entry : predicted.at("predictions")) {
            const double score = entry.at("score").get<double>();
            EXPECT_GE(score, 0.0);
            EXPECT_LE(score, 1.0);
            EXPECT_EQ(entry.at("verdict"), score >= 0.5 ? "defect" : "good");
        }
        // Two images called 000.png: the second heat map is named after its folder too.
        EXPECT_TRUE(std::filesystem::exists(dir / "maps/000_map.png"));
        EXPECT_TRUE(std::filesystem::exists(dir / "maps/good_000_map.png"));
    }
}

TEST_F(CliTest, AnomalyTrainingRefusesClassificationOptionsInOneSentence) {
    const std::string project = (dir / "p").string();
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    const ProcessResult train = cli({"train", project, "--task", "anomaly", "--epochs", "3"});
    EXPECT_NE(train.exitCode, 0);
    EXPECT_NE(train.err.find("--epochs"), std::string::npos) << train.err;
    const ProcessResult classify = cli({"train", project, "--method", "padim"});
    EXPECT_NE(classify.exitCode, 0);
    EXPECT_NE(classify.err.find("--task anomaly"), std::string::npos) << classify.err;
}

} // namespace
} // namespace kestrel
