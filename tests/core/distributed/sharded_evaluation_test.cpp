// Validation sharded over ranks (threads of this test, in a real c10d group): for each task,
// every rank gets exactly the evaluation one process gives over the whole loader, with an
// odd number of samples so that the ranks' shares differ.
#include "images.h"
#include "loader/batch_loader.h"
#include "models/classifier.h"
#include "models/model_input.h"
#include "models/model_registry.h"
#include "rank_threads.h"
#include "tasks/task.h"
#include "temp_dir.h"
#include "train/sharded_evaluation.h"

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

namespace kestrel::distributed {
namespace {

using kestrel::testing::TempDir;

constexpr int kSamples = 13; // batches of 3: 5 batches, shared 3 + 2 or 2 + 2 + 1
constexpr int kBatchSize = 3;

void expectSameCoco(const inspection::CocoEvaluation& a, const inspection::CocoEvaluation& b) {
    EXPECT_EQ(a.map, b.map);
    EXPECT_EQ(a.map50, b.map50);
    EXPECT_EQ(a.map75, b.map75);
    ASSERT_EQ(a.categories.size(), b.categories.size());
    for (std::size_t c = 0; c < a.categories.size(); ++c) {
        EXPECT_EQ(a.categories[c].truthCount, b.categories[c].truthCount) << "category " << c;
        EXPECT_EQ(a.categories[c].ap, b.categories[c].ap) << "category " << c;
        EXPECT_EQ(a.categories[c].ap50, b.categories[c].ap50) << "category " << c;
        EXPECT_EQ(a.categories[c].recall50, b.categories[c].recall50) << "category " << c;
        EXPECT_EQ(a.categories[c].precision, b.categories[c].precision) << "category " << c;
    }
}

// `sharded` is `single` but for the loss's rounding.
void expectSameResult(const tasks::EvaluationResult& single,
                      const tasks::EvaluationResult& sharded) {
    const tasks::Evaluation& a = single.evaluation;
    const tasks::Evaluation& b = sharded.evaluation;
    EXPECT_EQ(b.split, a.split);
    EXPECT_NEAR(b.loss, a.loss, 1e-6 * std::abs(a.loss));
    EXPECT_EQ(b.confusion.classes(), a.confusion.classes());
    EXPECT_EQ(b.confusion.counts(), a.confusion.counts());
    EXPECT_EQ(b.rocAuc, a.rocAuc);
    ASSERT_EQ(b.areas.size(), a.areas.size());
    for (std::size_t i = 0; i < a.areas.size(); ++i) {
        EXPECT_EQ(b.areas[i].truth, a.areas[i].truth) << "image " << i;
        EXPECT_EQ(b.areas[i].predicted, a.areas[i].predicted) << "image " << i;
    }
    ASSERT_EQ(b.coco.has_value(), a.coco.has_value());
    if (a.coco) {
        expectSameCoco(*a.coco, *b.coco);
    }
    ASSERT_EQ(b.verdicts.has_value(), a.verdicts.has_value());
    if (a.verdicts) {
        EXPECT_EQ(b.verdicts->defects, a.verdicts->defects);
        EXPECT_EQ(b.verdicts->goods, a.verdicts->goods);
        EXPECT_EQ(b.verdicts->escapes, a.verdicts->escapes);
        EXPECT_EQ(b.verdicts->falseRejects, a.verdicts->falseRejects);
    }
    ASSERT_EQ(sharded.predictions.size(), single.predictions.size());
    for (std::size_t i = 0; i < single.predictions.size(); ++i) {
        const tasks::Prediction& p = single.predictions[i];
        const tasks::Prediction& q = sharded.predictions[i];
        EXPECT_EQ(q.sample, p.sample);
        EXPECT_EQ(q.truth, p.truth) << "sample " << p.sample;
        EXPECT_EQ(q.predicted, p.predicted) << "sample " << p.sample;
        EXPECT_EQ(q.confidence, p.confidence) << "sample " << p.sample;
        EXPECT_EQ(q.pixels, p.pixels) << "sample " << p.sample;
    }
}

class ShardedEvaluationTest : public ::testing::Test {
protected:
    void SetUp() override {
        // The same arithmetic in every rank's thread as in the single pass.
        at::set_num_threads(1);
    }

    // Writes sample i's image: a pattern of `side` pixels on a side.
    loader::LoaderSample sampleImage(int i, int side) {
        const auto file = dir / ("part-" + std::to_string(i) + ".png");
        kestrel::testing::writeImage(file, side, side, static_cast<unsigned>(i), CV_8UC1);
        loader::LoaderSample sample;
        sample.path = file.string();
        sample.sampleId = 100 + i;
        sample.imageWidth = side;
        sample.imageHeight = side;
        return sample;
    }

    // Evaluates `samples` in one process and sharded over 2 and 3 ranks; every rank's result
    // must be the single one, which `single` receives. `makeModel` builds the same model each
    // time it is called.
    void expectShardsGiveTheSinglePass(const tasks::Task& task,
                                       const std::function<models::ClassifierPtr()>& makeModel,
                                       const std::vector<loader::LoaderSample>& samples,
                                       loader::LoaderOptions options, int classes,
                                       tasks::EvaluationResult& single) {
        options.batchSize = kBatchSize;
        options.workers = 1;
        options.shuffle = false;
        options.augment = false;
        options.dropLast = false;
        const models::ModelInput input({0.5}, {0.25}, torch::kCPU, false);
        loader::BatchLoader whole(samples, options);
        single = task.evaluate(*makeModel(), whole, input, classes, "val");
        ASSERT_EQ(single.predictions.size(), samples.size());
        for (std::size_t i = 0; i < samples.size(); ++i) {
            ASSERT_EQ(single.predictions[i].sample, i);
        }
        for (const int ranks : {2, 3}) {
            // One model per rank, built here: the threads share no module.
            std::vector<models::ClassifierPtr> rankModels;
            for (int rank = 0; rank < ranks; ++rank) {
                rankModels.push_back(makeModel());
            }
            std::vector<tasks::EvaluationResult> results(static_cast<std::size_t>(ranks));
            const auto failures = runRanks(ranks, [&](ProcessGroupSession& group) {
                const auto rank = static_cast<std::size_t>(group.rank());
                loader::LoaderOptions shard = options;
                shard.shard = {group.rank(), ranks};
                loader::BatchLoader loader(samples, shard);
                results[rank] = train::evaluateSharded(task, *rankModels[rank], loader, input,
                                                       classes, "val", group, "val/0");
            });
            ASSERT_EQ(failures, std::vector<std::string>(static_cast<std::size_t>(ranks)));
            for (int rank = 0; rank < ranks; ++rank) {
                SCOPED_TRACE("rank " + std::to_string(rank) + " of " + std::to_string(ranks));
                expectSameResult(single, results[static_cast<std::size_t>(rank)]);
                // Every rank combines the same shares in the same order: the loss too is equal.
                EXPECT_EQ(results[static_cast<std::size_t>(rank)].evaluation.loss,
                          results[0].evaluation.loss);
            }
        }
    }

    TempDir dir;
};

// The same model each call: `architecture`'s with seeded weights, pushed away from their
// initialisation so that an untrained model says different things about different images.
models::ClassifierPtr seededModel(models::ClassifierPtr (*create)(const models::ClassifierSpec&),
                                  const std::string& architecture, int classes, double push) {
    torch::manual_seed(7);
    models::ClassifierPtr model = create({architecture, classes, 1});
    torch::NoGradGuard noGradients;
    for (auto& parameter : model->parameters()) {
        parameter.add_(torch::randn_like(parameter) * push);
    }
    model->eval();
    return model;
}

TEST_F(ShardedEvaluationTest, TwoClassClassificationWithRocAucIsTheSinglePassOnEveryRank) {
    std::vector<loader::LoaderSample> samples;
    for (int i = 0; i < kSamples; ++i) {
        loader::LoaderSample sample = sampleImage(i, 16);
        sample.label = (i * 7) % 3 == 0 ? 1 : 0;
        samples.push_back(sample);
    }
    loader::LoaderOptions options;
    options.spec = {16, 16, 1};
    const auto make = [] {
        return seededModel(models::createClassifier, "smallcnn", 2, 0.05);
    };
    tasks::EvaluationResult single;
    expectShardsGiveTheSinglePass(tasks::taskFor(TaskKind::Classification), make, samples, options,
                                  2, single);
    // Not a trivial pass: both classes predicted, the ROC AUC between the extremes.
    const tasks::ConfusionMatrix& confusion = single.evaluation.confusion;
    EXPECT_GT(confusion.count(0, 0) + confusion.count(1, 0), 0);
    EXPECT_GT(confusion.count(0, 1) + confusion.count(1, 1), 0);
    ASSERT_TRUE(single.evaluation.rocAuc.has_value());
    EXPECT_GT(*single.evaluation.rocAuc, 0.0);
    EXPECT_LT(*single.evaluation.rocAuc, 1.0);
}

// A rank killed during validation, before it published its share: the others learn it from
// Gloo as soon as they have published theirs, not from the store's timeout (which this test's
// ranks set to 60 s) while waiting for the missing share.
TEST_F(ShardedEvaluationTest, ARankThatStopsBeforeItsShareStopsTheOthersAtOnce) {
    std::vector<loader::LoaderSample> samples;
    for (int i = 0; i < kSamples; ++i) {
        loader::LoaderSample sample = sampleImage(i, 16);
        sample.label = i % 2;
        samples.push_back(sample);
    }
    loader::LoaderOptions options;
    options.spec = {16, 16, 1};
    options.batchSize = kBatchSize;
    options.workers = 1;
    const models::ModelInput input({0.5}, {0.25}, torch::kCPU, false);
    const models::ClassifierPtr model = seededModel(models::createClassifier, "smallcnn", 2, 0.05);
    const auto failures = runRanks(2, [&](ProcessGroupSession& group) {
        group.sum({0.0}); // both have joined
        if (group.rank() == 1) {
            return; // gone without its share
        }
        loader::LoaderOptions shard = options;
        shard.shard = {0, 2};
        loader::BatchLoader loader(samples, shard);
        train::evaluateSharded(tasks::taskFor(TaskKind::Classification), *model, loader, input, 2,
                               "val", group, "val/0");
    });
    EXPECT_EQ(failures[1], "");
    EXPECT_NE(failures[0].find("Rank 0 lost contact with the run's other ranks while summing"),
              std::string::npos)
        << failures[0];
}

TEST_F(ShardedEvaluationTest, SegmentationPixelsAndAreasAreTheSinglePassOnEveryRank) {
    std::vector<loader::LoaderSample> samples;
    for (int i = 0; i < kSamples; ++i) {
        loader::LoaderSample sample = sampleImage(i, 32);
        if (i % 4 != 0) { // some images without a defect
            imaging::ClassRegion region;
            region.value = 1 + i % 2;
            region.shape.kind = annotations::ShapeKind::Polygon;
            const double x = 2.0 + i;
            region.shape.points = {{x, 4}, {x + 10, 4}, {x + 10, 14}, {x, 14}};
            sample.regions.push_back(region);
        }
        samples.push_back(sample);
    }
    loader::LoaderOptions options;
    options.spec = {32, 32, 1};
    options.masks = true;
    const auto make = [] {
        return seededModel(models::createSegmenter, "unet", 3, 0.1);
    };
    tasks::EvaluationResult single;
    expectShardsGiveTheSinglePass(tasks::taskFor(TaskKind::Segmentation), make, samples, options, 3,
                                  single);
    // Not a trivial pass: defect pixels found, some right and some wrong.
    const tasks::ConfusionMatrix& pixels = single.evaluation.confusion;
    EXPECT_GT(pixels.count(1, 1) + pixels.count(2, 2), 0);
    EXPECT_GT(pixels.count(0, 1) + pixels.count(0, 2), 0);
    EXPECT_GT(pixels.count(0, 0), 0);
}

TEST_F(ShardedEvaluationTest, DetectionCocoFiguresAndVerdictsAreTheSinglePassOnEveryRank) {
    const auto make = [] {
        return seededModel(models::createDetector, "fcos_small", 2, 0.05);
    };
    const tasks::Task& task = tasks::taskFor(TaskKind::Detection);
    loader::LoaderOptions options;
    options.spec = {64, 64, 1, imaging::ImageSpec::Resize::Letterbox};
    options.boxes = true;
    options.workers = 1;
    options.shuffle = false;
    std::vector<loader::LoaderSample> samples;
    for (int i = 0; i < kSamples; ++i) {
        samples.push_back(sampleImage(i, 64));
    }
    // The truth: on some images a box the model finds (so that COCO's figures are neither 0
    // nor 1) and a box it misses, in the frame's pixels (64 x 64 images fill the frame).
    loader::BatchLoader unlabelled(samples, options);
    const tasks::EvaluationShare found = task.evaluateShare(
        *make(), unlabelled, models::ModelInput({0.5}, {0.25}, torch::kCPU, false), 2);
    for (const inspection::DetectedBox& box : found.detectedBoxes) {
        auto& sample = samples[static_cast<std::size_t>(box.image)];
        if (box.image % 3 != 0 && sample.boxes.size() < static_cast<std::size_t>(box.image % 3)) {
            sample.boxes.push_back(
                {box.category, {box.box.x, box.box.y, box.box.width, box.box.height}});
        }
    }
    for (int i = 1; i < kSamples; i += 4) {
        samples[static_cast<std::size_t>(i)].boxes.push_back({1, {40, 40, 12, 10}});
    }
    tasks::EvaluationResult single;
    expectShardsGiveTheSinglePass(task, make, samples, options, 2, single);
    // Not a trivial pass: boxes found and missed, COCO's figures between the extremes.
    ASSERT_TRUE(single.evaluation.coco && single.evaluation.coco->map);
    EXPECT_GT(*single.evaluation.coco->map, 0.0);
    EXPECT_LT(*single.evaluation.coco->map, 1.0);
    ASSERT_TRUE(single.evaluation.verdicts.has_value());
    EXPECT_GT(single.evaluation.verdicts->defects, 0);
    EXPECT_GT(single.evaluation.verdicts->goods, 0);
}

} // namespace
} // namespace kestrel::distributed
