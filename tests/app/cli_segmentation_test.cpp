// Segmentation through the real binary: `train --task segmentation` on a COCO set of masks,
// `eval --json` with per-class IoU and Dice, `export` verified pixel by pixel, and `predict`
// giving each image its class areas and verdict, with --masks PNGs of class indexes.
#include "cli_test_support.h"
#include "segmentation_scans.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

namespace kestrel {
namespace {

TEST_F(CliTest, SegmentationTrainsEvaluatesExportsAndPredictsMasks) {
    const std::string project = (dir / "p").string();
    const auto scans = kestrel::testing::writeSegmentationCoco(dir / "scans", 12, 4, 32);
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    ASSERT_EQ(cli({"import", project, scans.folder.string()}).exitCode, 0);

    // A verdict rule is for segmentation only, and names classes the model segments.
    const ProcessResult classification =
        cli({"train", project, "--min-area", "20", "--epochs", "1"});
    EXPECT_NE(classification.exitCode, 0);
    EXPECT_NE(classification.err.find("--task segmentation"), std::string::npos)
        << classification.err;
    const ProcessResult crops = cli({"train", project, "--crop-size", "16", "--epochs", "1"});
    EXPECT_NE(crops.exitCode, 0);
    EXPECT_NE(crops.err.find("--crop-size and --defect-crops are for --task segmentation"),
              std::string::npos)
        << crops.err;
    const ProcessResult whole =
        cli({"train", project, "--whole-image-epochs", "1", "--epochs", "2"});
    EXPECT_NE(whole.exitCode, 0);
    EXPECT_NE(whole.err.find("--whole-image-epochs is for --task segmentation"), std::string::npos)
        << whole.err;
    const ProcessResult nothingToFollow =
        cli({"train", project, "--task", "segmentation", "--image-size", "32", "--crop-size", "0",
             "--whole-image-epochs", "2", "--epochs", "3"});
    EXPECT_NE(nothingToFollow.exitCode, 0);
    EXPECT_NE(nothingToFollow.err.find("with a crop size of 0 every epoch is on whole images"),
              std::string::npos)
        << nothingToFollow.err;
    const ProcessResult resize = cli({"train", project, "--resize", "stretch", "--epochs", "1"});
    EXPECT_NE(resize.exitCode, 0);
    EXPECT_NE(resize.err.find("--resize is for --task segmentation"), std::string::npos)
        << resize.err;
    const ProcessResult mirrors = cli({"train", project, "--mirrors", "off", "--epochs", "1"});
    EXPECT_NE(mirrors.exitCode, 0);
    EXPECT_NE(mirrors.err.find("--mirrors is for --task segmentation"), std::string::npos)
        << mirrors.err;
    const ProcessResult tooLarge = cli({"train", project, "--task", "segmentation", "--image-size",
                                        "32", "--crop-size", "40", "--epochs", "1"});
    EXPECT_NE(tooLarge.exitCode, 0);
    EXPECT_NE(tooLarge.err.find("not 40"), std::string::npos) << tooLarge.err;
    const ProcessResult unknown =
        cli({"train", project, "--task", "segmentation", "--min-area", "dent=5", "--epochs", "1"});
    EXPECT_NE(unknown.exitCode, 0);
    EXPECT_NE(unknown.err.find("scratch, spot, crack"), std::string::npos) << unknown.err;
    // The defaults sentence comes before that refusal, and only while it describes the run.
    const ProcessResult described =
        cli({"train", project, "--task", "segmentation", "--min-area", "dent=5"});
    EXPECT_NE(described.exitCode, 0);
    EXPECT_NE(described.err.find("Segmentation defaults: unet"), std::string::npos)
        << described.err;
    const ProcessResult overridden = cli({"train", project, "--task", "segmentation",
                                          "--defect-crops", "0.5", "--min-area", "dent=5"});
    EXPECT_NE(overridden.exitCode, 0);
    EXPECT_NE(overridden.err.find("scratch, spot, crack"), std::string::npos) << overridden.err;
    EXPECT_EQ(overridden.err.find("Segmentation defaults:"), std::string::npos) << overridden.err;

    const ProcessResult train =
        cli({"train", project, "--task", "segmentation", "--epochs", "2", "--image-size", "32",
             "--crop-size", "16", "--batch-size", "4", "--whole-image-epochs", "1", "--device",
             "cpu", "--min-area", "spot=3", "--json"});
    ASSERT_EQ(train.exitCode, 0) << train.err;
    EXPECT_NE(train.err.find("val mIoU"), std::string::npos) << train.err;
    const auto trained = nlohmann::json::parse(train.out);
    EXPECT_EQ(trained.at("task"), "segmentation");
    EXPECT_EQ(trained.at("model"), "unet");
    EXPECT_EQ(trained.at("status"), "completed");
    EXPECT_TRUE(trained.at("metrics").contains("test_miou"));
    const std::string run = std::to_string(trained.at("run").get<int>());

    const ProcessResult eval = cli({"eval", project, "--run", run, "--json"});
    ASSERT_EQ(eval.exitCode, 0) << eval.err;
    const auto evaluated = nlohmann::json::parse(eval.out);
    EXPECT_EQ(evaluated.at("task"), "segmentation");
    EXPECT_NEAR(evaluated.at("miou").get<double>(),
                trained.at("metrics").at("test_miou").get<double>(), 1e-9);
    ASSERT_EQ(evaluated.at("per_class").size(), 3u);
    EXPECT_EQ(evaluated.at("per_class")[0].at("name"), "scratch");
    for (const auto& entry : evaluated.at("per_class")) {
        EXPECT_TRUE(entry.contains("iou") && entry.contains("dice")) << entry.dump();
    }
    EXPECT_DOUBLE_EQ(evaluated.at("verdict").at("minimum_area_pixels").at("spot").get<double>(),
                     3.0);
    const auto matrix = evaluated.at("pixel_confusion_matrix");
    ASSERT_EQ(matrix.size(), 4u);
    std::int64_t pixels = 0;
    for (const auto& row : matrix) {
        for (const auto& count : row) {
            pixels += count.get<std::int64_t>();
        }
    }
    EXPECT_EQ(pixels, evaluated.at("images").get<std::int64_t>() * 32 * 32);

    const ProcessResult exported =
        cli({"export", project, "--run", run, "--output", (dir / "masks.pt").string()});
    ASSERT_EQ(exported.exitCode, 0) << exported.err;
    // The defaults flip both ways, so the file averages four mirror passes and says so.
    for (const char* card : {"masks.pt.card.json", "masks.onnx.card.json"}) {
        std::ifstream in(dir / card);
        ASSERT_TRUE(in) << card;
        const auto metadata = nlohmann::json::parse(in).at("metadata");
        EXPECT_EQ(metadata.at("segmentation").at("passes"), 4) << card;
    }
    std::string image;
    for (const auto& [name, split] : scans.splits) {
        if (split == "test") {
            image = (scans.folder / "images" / name).string();
            break;
        }
    }
    ASSERT_FALSE(image.empty());
    for (const char* file : {"masks.pt", "masks.onnx"}) {
        const auto folder = dir / (std::string(file) + "-out");
        const ProcessResult predict =
            cli({"predict", (dir / file).string(), image, "--masks", folder.string(), "--json"});
        ASSERT_EQ(predict.exitCode, 0) << predict.err;
        const auto predicted = nlohmann::json::parse(predict.out);
        EXPECT_EQ(predicted.at("task"), "segmentation");
        ASSERT_EQ(predicted.at("predictions").size(), 1u);
        const auto& entry = predicted.at("predictions")[0];
        const std::string verdict = entry.at("verdict");
        EXPECT_TRUE(verdict == "OK" || verdict == "NG") << verdict;
        EXPECT_TRUE(entry.at("areas").contains("crack"));
        const cv::Mat mask = cv::imread(entry.at("mask").get<std::string>(), cv::IMREAD_UNCHANGED);
        const cv::Mat source = cv::imread(image, cv::IMREAD_UNCHANGED);
        ASSERT_FALSE(mask.empty());
        EXPECT_EQ(mask.type(), CV_8UC1);
        EXPECT_EQ(mask.size(), source.size());
        double highest = 0;
        cv::minMaxLoc(mask, nullptr, &highest);
        EXPECT_LE(highest, 3.0);
        EXPECT_DOUBLE_EQ(entry.at("areas").at("spot").get<double>(),
                         static_cast<double>(cv::countNonZero(mask == 2)));
    }
    const ProcessResult maps =
        cli({"predict", (dir / "masks.pt").string(), image, "--maps", (dir / "maps").string()});
    EXPECT_NE(maps.exitCode, 0);
    EXPECT_NE(maps.err.find("--masks"), std::string::npos) << maps.err;
}

} // namespace
} // namespace kestrel
