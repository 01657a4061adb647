// The line's operating point through the real binary: chosen after `train`, kept in the
// run, the model card and the export's metadata, and applied by `predict` as OK or NG.
#include "cli_test_support.h"
#include "files.h"
#include "left_right_images.h"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kestrel {
namespace {

std::vector<std::string> imagesIn(const std::filesystem::path& folder) {
    std::vector<std::string> images;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        images.push_back(entry.path().string());
    }
    return images;
}

TEST_F(CliTest, TrainingChoosesAnOperatingPointThatPredictAppliesAsOkOrNg) {
    const std::string project = (dir / "p").string();
    kestrel::testing::writeLeftRightImages(dir / "source");
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    ASSERT_EQ(cli({"import", project, (dir / "source").string()}).exitCode, 0);
    const ProcessResult train =
        cli({"train", project, "--epochs", "4", "--batch-size", "16", "--image-size", "16",
             "--device", "cpu", "--no-augment", "--good-class", "left", "--json"});
    ASSERT_EQ(train.exitCode, 0) << train.err;
    EXPECT_NE(train.err.find("Operating point: NG when P(not left) >= "), std::string::npos)
        << train.err;
    EXPECT_NE(train.err.find("On test images: "), std::string::npos) << train.err;
    const auto trained = nlohmann::json::parse(train.out);
    const auto point = trained.at("operating_point");
    EXPECT_EQ(point.at("good_class"), "left");
    EXPECT_DOUBLE_EQ(point.at("target_defect_recall").get<double>(), 0.995);
    const double threshold = point.at("threshold").get<double>();
    EXPECT_GT(threshold, 0.0);
    EXPECT_LE(threshold, 1.0);
    // 12 validation defects: 99.5% of them is all of them.
    EXPECT_EQ(trained.at("metrics").at("val_escape_rate").get<double>(), 0.0);
    EXPECT_GE(trained.at("metrics").at("test_false_reject_rate").get<double>(), 0.0);

    const std::string run = std::to_string(trained.at("run").get<int>());
    const ProcessResult exported =
        cli({"export", project, "--run", run, "--output", (dir / "model.pt").string(), "--json"});
    ASSERT_EQ(exported.exitCode, 0) << exported.err;
    // The card carries the point (in the model's metadata) and its rates (in the metrics).
    const std::string card = kestrel::testing::readBytes(dir / "model.pt.card.json");
    EXPECT_NE(card.find("operating_point"), std::string::npos) << card;
    EXPECT_NE(card.find("val_false_reject_rate"), std::string::npos) << card;

    std::vector<std::string> args = {"predict", (dir / "model.onnx").string(), "--json"};
    const auto defects = imagesIn(dir / "source/test/right");
    const auto goods = imagesIn(dir / "source/test/left");
    args.insert(args.end(), defects.begin(), defects.end());
    args.insert(args.end(), goods.begin(), goods.end());
    const ProcessResult predicted = cli(args);
    ASSERT_EQ(predicted.exitCode, 0) << predicted.err;
    const auto answer = nlohmann::json::parse(predicted.out);
    EXPECT_EQ(answer.at("operating_point").at("good_class"), "left");
    int rejectedDefects = 0;
    for (const auto& prediction : answer.at("predictions")) {
        const double notGood = 1.0 - prediction.at("scores").at("left").get<double>();
        const std::string verdict = prediction.at("verdict");
        EXPECT_EQ(verdict, notGood >= threshold ? "NG" : "OK") << prediction;
        const bool defect =
            prediction.at("image").get<std::string>().find("/right/") != std::string::npos;
        rejectedDefects += defect && verdict == "NG" ? 1 : 0;
    }
    // A threshold that catches every validation defect catches nearly all test ones.
    EXPECT_GE(rejectedDefects, static_cast<int>(defects.size()) - 1);

    const ProcessResult text = cli({"predict", (dir / "model.pt").string(), defects.front()});
    ASSERT_EQ(text.exitCode, 0) << text.err;
    EXPECT_TRUE(text.out.find(": NG right") != std::string::npos ||
                text.out.find(": OK right") != std::string::npos ||
                text.out.find(": NG left") != std::string::npos ||
                text.out.find(": OK left") != std::string::npos)
        << text.out;
}

TEST_F(CliTest, AGoodClassThatIsNoClassIsRefusedBeforeARunIsRecorded) {
    const std::string project = (dir / "p").string();
    kestrel::testing::writeLeftRightImages(dir / "source", 8);
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    ASSERT_EQ(cli({"import", project, (dir / "source").string()}).exitCode, 0);
    const ProcessResult train = cli({"train", project, "--epochs", "1", "--device", "cpu",
                                     "--image-size", "16", "--good-class", "ok"});
    EXPECT_EQ(train.exitCode, 1);
    EXPECT_NE(train.err.find("The good class \"ok\" is not one of the project's classes "
                             "(left, right)."),
              std::string::npos)
        << train.err;
    EXPECT_TRUE(nlohmann::json::parse(cli({"runs", project, "--json"}).out).at("runs").empty());
}

TEST_F(CliTest, WithoutAGoodClassTrainingReportsNoOperatingPoint) {
    const std::string project = (dir / "p").string();
    const ProcessResult train = trainLeftRight(project); // left and right: neither is "good"
    ASSERT_EQ(train.exitCode, 0) << train.err;
    EXPECT_EQ(train.err.find("Operating point"), std::string::npos) << train.err;
    EXPECT_FALSE(nlohmann::json::parse(train.out).contains("operating_point"));
}

} // namespace
} // namespace kestrel
