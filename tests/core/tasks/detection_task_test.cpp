// The detection task's parts on hand-made outputs: decoding raw FCOS outputs into boxes with
// non-maximum suppression, the detector's output layout, its loss and figures, review scores.
#include "common/error.h"
#include "inspection/fcos_decoding.h"
#include "loader/loader_options.h"
#include "models/architectures.h"
#include "models/fcos_detector.h"
#include "models/model_registry.h"
#include "tasks/detection_task.h"
#include "tasks/fcos_targets.h"
#include "tasks/segmentation_metrics.h"

#include <array>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <ATen/Functions.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

namespace kestrel::tasks {
namespace {

constexpr float kSure = 12.0f;   // sigmoid ~ 1
constexpr float kNever = -12.0f; // sigmoid ~ 0

// Raw outputs for one image of `classes` classes over `levels`, everything background.
std::vector<float> backgroundOutputs(int classes, const std::vector<FeatureLevel>& levels,
                                     std::size_t& cells) {
    cells = 0;
    for (const auto& level : levels) {
        cells += static_cast<std::size_t>(level.rows * level.columns);
    }
    std::vector<float> raw(static_cast<std::size_t>(classes + 5) * cells, 0.0f);
    for (int c = 0; c < classes; ++c) {
        std::fill_n(raw.begin() + static_cast<std::ptrdiff_t>(c * cells), cells, kNever);
    }
    return raw;
}

// Cell `cell` sees class `category` with `logit`, its box `distances` strides from its point.
void place(std::vector<float>& raw, std::size_t cells, int classes, std::size_t cell, int category,
           float logit, std::array<float, 4> distances) {
    raw[static_cast<std::size_t>(category) * cells + cell] = logit;
    for (int side = 0; side < 4; ++side) {
        raw[static_cast<std::size_t>(classes + side) * cells + cell] =
            distances[static_cast<std::size_t>(side)];
    }
    raw[static_cast<std::size_t>(classes + 4) * cells + cell] = kSure;
}

double sigmoid(double x) {
    return 1.0 / (1.0 + std::exp(-x));
}

TEST(FcosDecodingTest, CellsBecomeBoxesInPixelsAndDuplicatesAreSuppressed) {
    // 32 x 32 input: 4 x 4 cells of 8, 2 x 2 of 16.
    const auto levels = inspection::featureLevels(32, 32, {8, 16});
    ASSERT_EQ(levels.size(), 2u);
    EXPECT_EQ(levels[1].rows, 2);
    std::size_t cells = 0;
    std::vector<float> raw = backgroundOutputs(2, levels, cells);
    ASSERT_EQ(cells, 20u);
    // Cell (1, 2) of the first level, point (12, 20): a class-1 box 1, 0.5, 2, 1 strides away.
    place(raw, cells, 2, 2 * 4 + 1, 1, 2.0f, {1.0f, 0.5f, 2.0f, 1.0f});
    // Its neighbour (2, 2), point (20, 20), sees nearly the same box less surely: suppressed.
    place(raw, cells, 2, 2 * 4 + 2, 1, 1.0f, {2.0f, 0.5f, 1.0f, 1.0f});
    // The same place as class 0: another class, kept.
    place(raw, cells, 2, 2 * 4 + 2, 0, 0.5f, {2.0f, 0.5f, 1.0f, 1.0f});
    // The second level's last cell, point (24, 24), far out to the image's edge: clipped.
    place(raw, cells, 2, 16 + 3, 0, 0.0f, {0.5f, 0.5f, 4.0f, 4.0f});

    const auto boxes = inspection::decodeFcos(raw.data(), 2, levels, 32, 32);
    ASSERT_EQ(boxes.size(), 3u);
    EXPECT_EQ(boxes[0].category, 1);
    EXPECT_NEAR(boxes[0].score, std::sqrt(sigmoid(2.0) * sigmoid(kSure)), 1e-6);
    EXPECT_DOUBLE_EQ(boxes[0].x0, 4.0);
    EXPECT_DOUBLE_EQ(boxes[0].y0, 16.0);
    EXPECT_DOUBLE_EQ(boxes[0].x1, 28.0);
    EXPECT_DOUBLE_EQ(boxes[0].y1, 28.0);
    EXPECT_EQ(boxes[1].category, 0);
    EXPECT_NEAR(boxes[1].score, std::sqrt(sigmoid(0.5) * sigmoid(kSure)), 1e-6);
    EXPECT_EQ(boxes[2].category, 0);
    EXPECT_DOUBLE_EQ(boxes[2].x0, 16.0);
    EXPECT_DOUBLE_EQ(boxes[2].x1, 32.0); // 24 + 64, clipped
    EXPECT_DOUBLE_EQ(boxes[2].y1, 32.0);

    // Fewer boxes when asked; none above a threshold no cell reaches.
    inspection::DetectionDecoding fewer;
    fewer.maxDetections = 1;
    EXPECT_EQ(inspection::decodeFcos(raw.data(), 2, levels, 32, 32, fewer).size(), 1u);
    inspection::DetectionDecoding strict;
    strict.scoreThreshold = 0.95;
    EXPECT_TRUE(inspection::decodeFcos(raw.data(), 2, levels, 32, 32, strict).empty());
}

TEST(FcosDecodingTest, LevelsRoundUpAsStridedConvolutionsDo) {
    const auto levels = inspection::featureLevels(100, 60, {4, 32});
    EXPECT_EQ(levels[0].columns, 25);
    EXPECT_EQ(levels[0].rows, 15);
    EXPECT_EQ(levels[1].columns, 4);
    EXPECT_EQ(levels[1].rows, 2);
}

TEST(DetectionTaskTest, TheDetectorGivesEveryCellItsClassesBoxAndCentreness) {
    // What the registry's descriptions say of their size.
    for (const auto& [name, millions] : std::vector<std::pair<std::string, double>>{
             {"fcos_resnet18", 11.5}, {"fcos_small", 3.1}}) {
        SCOPED_TRACE(name);
        torch::manual_seed(1);
        auto model = models::createDetector({name, 3, 1});
        EXPECT_EQ(model->architecture(), name);
        model->eval();
        torch::NoGradGuard noGrad;
        const at::Tensor raw = model->forward(torch::rand({2, 1, 64, 96}));
        // 16 x 24 + 8 x 12 + 4 x 6 + 2 x 3 cells.
        EXPECT_EQ(raw.sizes(), (std::vector<std::int64_t>{2, 3 + 5, 384 + 96 + 24 + 6}));
        // Distances are never negative; the head starts at FCOS's 1% prior.
        EXPECT_GE(raw.narrow(1, 3, 4).min().item<float>(), 0.0f);
        EXPECT_NEAR(torch::sigmoid(raw.narrow(1, 0, 3)).mean().item<float>(), 0.01f, 0.005f);
        std::int64_t parameters = 0;
        for (const auto& parameter : model->parameters()) {
            parameters += parameter.numel();
        }
        EXPECT_NEAR(static_cast<double>(parameters) / 1e6, millions, 0.05);
        // One class is enough; none is not.
        EXPECT_NO_THROW(models::createDetector({name, 1, 3}));
        EXPECT_THROW(models::createDetector({name, 0, 3}), Error);
    }
    EXPECT_EQ(detectorStrides(), (std::vector<int>{4, 8, 16, 32}));
    // Only torchvision's widths take its ImageNet files: the narrow backbone starts fresh.
    EXPECT_NE(models::createDetector({"fcos_resnet18", 3, 3})->pretrainedBackbone(), nullptr);
    EXPECT_EQ(models::createDetector({"fcos_small", 3, 3})->pretrainedBackbone(), nullptr);
    EXPECT_EQ(models::pretrainedWeightsName("fcos_small"), "fcos_small");
    EXPECT_EQ(models::pretrainedWeightsName("fcos_mobilenet_v3_large"), "mobilenet_v3_large");
}

// The loss of raw outputs against Batch::boxes rows, with padding rows (category -1).
TEST(DetectionTaskTest, TheLossFollowsTheBoxesAndLearns) {
    const Task& task = taskFor(TaskKind::Detection);
    const auto loss = task.createLoss({0, false, 64, 64}, {}, 2, torch::kCPU);
    EXPECT_THROW(task.createLoss({}, {}, 2, torch::kCPU), Error); // no input size
    torch::manual_seed(2);
    auto model = task.createModel({"fcos_resnet18", 2, 1});
    // Two images: a bright square on the first (class 1), nothing on the second.
    at::Tensor images = torch::full({2, 1, 64, 64}, -1.0f);
    images.index_put_({0, 0, torch::indexing::Slice(20, 36), torch::indexing::Slice(24, 40)}, 1.0f);
    const at::Tensor boxes =
        torch::tensor({{1.0f, 24.0f, 20.0f, 40.0f, 36.0f}, {-1.0f, 0.0f, 0.0f, 0.0f, 0.0f}})
            .reshape({2, 1, 5});
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
    model->train();
    const double first = (*loss)(model->forward(images), boxes).item<double>();
    double last = first;
    for (int step = 0; step < 12; ++step) {
        optimizer.zero_grad();
        const at::Tensor value = (*loss)(model->forward(images), boxes);
        value.backward();
        optimizer.step();
        last = value.item<double>();
    }
    EXPECT_TRUE(std::isfinite(first));
    EXPECT_LT(last, first * 0.8) << "first " << first << ", last " << last;
    // Wrong input size: refused with a sentence, not a shape error deep in LibTorch.
    const auto wrong = task.createLoss({0, false, 96, 96}, {}, 2, torch::kCPU);
    EXPECT_THROW((*wrong)(model->forward(images), boxes), Error);
}

TEST(DetectionTaskTest, FiguresAreCocosAndReviewScoresTheBestBox) {
    const Task& task = taskFor(TaskKind::Detection);
    Evaluation evaluation;
    evaluation.loss = 0.5;
    evaluation.confusion = ConfusionMatrix(3); // two classes and the background
    evaluation.confusion.add(0, 0, 3);
    evaluation.confusion.add(1, 2, 1); // a miss
    inspection::CocoEvaluation coco;
    coco.map = 0.4;
    coco.map50 = 0.7;
    coco.map75 = 0.3;
    inspection::CocoCategoryResult scratch;
    scratch.category = 0;
    scratch.ap = 0.5;
    scratch.ap50 = 0.8;
    inspection::CocoCategoryResult spot; // no boxes: left out, as COCO leaves it out
    spot.category = 1;
    coco.categories = {scratch, spot};
    evaluation.coco = coco;
    const auto metrics = task.metrics(evaluation, {"scratch", "spot"}, "val_");
    EXPECT_DOUBLE_EQ(metrics.at("val_map50_95"), 0.4);
    EXPECT_DOUBLE_EQ(metrics.at("val_map50"), 0.7);
    EXPECT_DOUBLE_EQ(metrics.at("val_map75"), 0.3);
    EXPECT_DOUBLE_EQ(metrics.at("val_ap/scratch"), 0.5);
    EXPECT_DOUBLE_EQ(metrics.at("val_ap50/scratch"), 0.8);
    EXPECT_EQ(metrics.count("val_ap/spot"), 0u);
    EXPECT_EQ(metrics.count("val_accuracy"), 0u); // no verdicts
    inspection::InspectionRates verdicts;
    verdicts.defects = 3;
    verdicts.goods = 1;
    verdicts.escapes = 1;
    evaluation.verdicts = verdicts;
    EXPECT_DOUBLE_EQ(task.metrics(evaluation, {"scratch", "spot"}, "val_").at("val_accuracy"),
                     0.75);
    const auto line = verdictMetrics(evaluation, {}, "val_");
    EXPECT_DOUBLE_EQ(line.at("val_escape_rate"), 1.0 / 3.0);
    EXPECT_DOUBLE_EQ(line.at("val_false_reject_rate"), 0.0);
    EXPECT_EQ(task.monitorMetrics().front().name, "val_map50_95");

    // One image with a sure cell (NG), one with nothing (OK); truth NG and OK.
    at::Tensor raw = torch::full({2, 2 + 5, 6}, -12.0f);
    raw.index_put_({0, 1, 4}, 12.0f);
    raw.index_put_({0, 6, 4}, 12.0f);
    raw.index_put_({1, 6}, 12.0f);
    const auto scores = task.sampleScores(raw, torch::tensor({1, 0}, torch::kLong), {});
    ASSERT_EQ(scores.size(), 2u);
    EXPECT_EQ(scores[0].predicted, 1);
    EXPECT_GT(scores[0].probabilities[1], 0.99f);
    EXPECT_EQ(scores[1].predicted, 0);
    EXPECT_LT(scores[1].loss, 0.01f);
    const at::Tensor boxes =
        torch::tensor({1.0f, 0.0f, 0.0f, 4.0f, 4.0f, -1.0f, 0.0f, 0.0f, 0.0f, 0.0f})
            .reshape({2, 1, 5});
    EXPECT_DOUBLE_EQ(task.countCorrect(raw, boxes), 2.0);
}

} // namespace
} // namespace kestrel::tasks
