// Detection through the real binary: `train --task detection` on a COCO set, `eval --json`
// with COCO's mAP and per-class AP, `export` verified box by box, and `predict --json` giving
// each image's boxes in its own pixels, the same from both runtimes.
#include "cli_test_support.h"
#include "segmentation_scans.h"

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

namespace kestrel {
namespace {

TEST_F(CliTest, DetectionTrainsEvaluatesExportsAndPredictsBoxes) {
    const std::string project = (dir / "p").string();
    const auto scans = kestrel::testing::writeSegmentationCoco(dir / "scans", 12, 6, 48);
    ASSERT_EQ(cli({"init", project}).exitCode, 0);
    ASSERT_EQ(cli({"import", project, scans.folder.string()}).exitCode, 0);

    const ProcessResult train =
        cli({"train", project, "--task", "detection", "--epochs", "2", "--image-size", "64",
             "--batch-size", "4", "--device", "cpu", "--json"});
    ASSERT_EQ(train.exitCode, 0) << train.err;
    EXPECT_NE(train.err.find("val mAP50"), std::string::npos) << train.err;
    const auto trained = nlohmann::json::parse(train.out);
    EXPECT_EQ(trained.at("task"), "detection");
    EXPECT_EQ(trained.at("model"), "fcos_small"); // the CPU default
    EXPECT_EQ(trained.at("status"), "completed");
    const std::string run = std::to_string(trained.at("run").get<int>());

    const ProcessResult eval = cli({"eval", project, "--run", run, "--json"});
    ASSERT_EQ(eval.exitCode, 0) << eval.err;
    const auto evaluated = nlohmann::json::parse(eval.out);
    EXPECT_EQ(evaluated.at("task"), "detection");
    EXPECT_NEAR(evaluated.at("map50").get<double>(),
                trained.at("metrics").at("test_map50").get<double>(), 1e-9);
    EXPECT_NEAR(evaluated.at("map50_95").get<double>(),
                trained.at("metrics").at("test_map50_95").get<double>(), 1e-9);
    ASSERT_EQ(evaluated.at("per_class").size(), 3u);
    EXPECT_EQ(evaluated.at("per_class")[0].at("name"), "scratch");
    for (const auto& entry : evaluated.at("per_class")) {
        EXPECT_TRUE(entry.contains("ap50") && entry.contains("ap")) << entry.dump();
    }
    const auto& matrix = evaluated.at("confusion_matrix");
    EXPECT_EQ(matrix.at("classes").back(), "background");
    EXPECT_EQ(matrix.at("counts").size(), 4u);

    const ProcessResult exported =
        cli({"export", project, "--run", run, "--output", (dir / "boxes.pt").string()});
    ASSERT_EQ(exported.exitCode, 0) << exported.err;
    EXPECT_NE(exported.out.find("every box found again"), std::string::npos) << exported.out;
    std::string image;
    for (const auto& [name, split] : scans.splits) {
        if (split == "test" && !scans.defects.at(name).empty()) {
            image = (scans.folder / "images" / name).string();
            break;
        }
    }
    ASSERT_FALSE(image.empty());
    const cv::Mat source = cv::imread(image, cv::IMREAD_UNCHANGED);
    std::vector<nlohmann::json> answers;
    for (const char* file : {"boxes.pt", "boxes.onnx"}) {
        // --min-score 0: every box decoding keeps, so there are some to compare.
        const ProcessResult predict =
            cli({"predict", (dir / file).string(), image, "--min-score", "0", "--json"});
        ASSERT_EQ(predict.exitCode, 0) << predict.err;
        const auto predicted = nlohmann::json::parse(predict.out);
        EXPECT_EQ(predicted.at("task"), "detection");
        ASSERT_EQ(predicted.at("predictions").size(), 1u);
        const auto& entry = predicted.at("predictions")[0];
        EXPECT_EQ(entry.at("width"), source.cols);
        EXPECT_EQ(entry.at("height"), source.rows);
        const std::string verdict = entry.at("verdict");
        EXPECT_TRUE(verdict == "OK" || verdict == "NG") << verdict;
        const auto& boxes = entry.at("boxes");
        ASSERT_FALSE(boxes.empty());
        double previous = 2.0;
        for (const auto& box : boxes) {
            EXPECT_LE(box.at("score").get<double>(), previous); // best first
            previous = box.at("score").get<double>();
            EXPECT_GE(box.at("x0").get<double>(), 0.0);
            EXPECT_LT(box.at("x0").get<double>(), box.at("x1").get<double>());
            EXPECT_LE(box.at("x1").get<double>(), source.cols);
            EXPECT_LT(box.at("y0").get<double>(), box.at("y1").get<double>());
            EXPECT_LE(box.at("y1").get<double>(), source.rows);
        }
        answers.push_back(boxes);
    }
    // Both runtimes give the best box alike.
    const auto& a = answers[0][0];
    const auto& b = answers[1][0];
    EXPECT_EQ(a.at("class"), b.at("class"));
    EXPECT_NEAR(a.at("score").get<double>(), b.at("score").get<double>(), 1e-4);
    for (const char* side : {"x0", "y0", "x1", "y1"}) {
        EXPECT_NEAR(a.at(side).get<double>(), b.at(side).get<double>(), 0.05) << side;
    }

    const ProcessResult masks =
        cli({"predict", (dir / "boxes.pt").string(), image, "--masks", (dir / "m").string()});
    EXPECT_NE(masks.exitCode, 0);
    EXPECT_NE(masks.err.find("is a detector"), std::string::npos) << masks.err;
}

} // namespace
} // namespace kestrel
