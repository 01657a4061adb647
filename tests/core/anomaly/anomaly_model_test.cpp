#include "anomaly/anomaly_fit.h"
#include "anomaly/anomaly_model.h"
#include "anomaly/coreset.h"
#include "common/error.h"
#include "models/resnet.h"
#include "temp_dir.h"

#include <optional>
#include <set>

#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

namespace kestrel::anomaly {
namespace {

AnomalyOptions smallOptions(AnomalyMethod method) {
    AnomalyOptions options;
    options.method = method;
    options.imageSize = 32;
    options.padimChannels = 20;
    return options;
}

// Greedy k-center the plain way, in double precision: the reference for greedyCoreset.
std::vector<std::int64_t> bruteForceGreedy(const torch::Tensor& points, std::int64_t first,
                                           std::int64_t count) {
    const auto x = points.to(torch::kDouble);
    std::vector<std::int64_t> taken = {first};
    auto nearest = (x - x[first]).pow(2).sum(1);
    while (static_cast<std::int64_t>(taken.size()) < count) {
        taken.push_back(nearest.argmax().item<std::int64_t>());
        nearest = torch::minimum(nearest, (x - x[taken.back()]).pow(2).sum(1));
    }
    return taken;
}

TEST(CoresetTest, TakesOneCentrePerClusterFirst) {
    torch::manual_seed(4);
    std::vector<torch::Tensor> clusters;
    for (int c = 0; c < 4; ++c) {
        clusters.push_back(torch::randn({50, 8}) * 0.1 + torch::full({1, 8}, 10.0 * c));
    }
    const auto points = torch::cat(clusters);
    const Coreset coreset = greedyCoreset(points, 4, 7, {});
    std::set<std::int64_t> clustersHit;
    for (int i = 0; i < 4; ++i) {
        clustersHit.insert(coreset.indices[i].item<std::int64_t>() / 50);
    }
    EXPECT_EQ(clustersHit.size(), 4U);
    EXPECT_LT(coreset.radius, 1.0); // within a cluster, not between them (about 28 apart)
}

TEST(CoresetTest, MatchesThePlainGreedySelection) {
    torch::manual_seed(5);
    const auto points = torch::randn({400, 16});
    const Coreset coreset = greedyCoreset(points, 40, 3, {});
    ASSERT_EQ(coreset.indices.size(0), 40);
    const auto expected = bruteForceGreedy(points, coreset.indices[0].item<std::int64_t>(), 40);
    for (int i = 0; i < 40; ++i) {
        EXPECT_EQ(coreset.indices[i].item<std::int64_t>(), expected[static_cast<std::size_t>(i)])
            << "pick " << i;
    }
}

TEST(CoresetTest, MatchesThePlainGreedySelectionWhenThreadsShareTheCells) {
    // Over a thousand cells: the update is split between threads.
    torch::manual_seed(6);
    const auto points = torch::randn({3000, 8});
    const int previous = at::get_num_threads();
    at::set_num_threads(2);
    const Coreset coreset = greedyCoreset(points, 1200, 4, {});
    at::set_num_threads(previous);
    const auto expected = bruteForceGreedy(points, coreset.indices[0].item<std::int64_t>(), 1200);
    int differing = 0;
    for (int i = 0; i < 1200; ++i) {
        differing +=
            coreset.indices[i].item<std::int64_t>() != expected[static_cast<std::size_t>(i)];
    }
    EXPECT_EQ(differing, 0);
}

TEST(CoresetTest, StopsWhenAsked) {
    const auto points = torch::randn({3000, 8});
    std::atomic<bool> stop{true};
    EXPECT_THROW(greedyCoreset(points, 1000, 0, {}, &stop), FitCancelled);
}

TEST(AnomalyModelTest, PatchScoresAreNearestMemoryDistances) {
    torch::manual_seed(6);
    AnomalyModel model(smallOptions(AnomalyMethod::PatchCore),
                       createBackbone(smallOptions(AnomalyMethod::PatchCore)));
    const auto d = model.featureDimension();
    EXPECT_EQ(d, 64 + 128); // resnet18's layer1 and layer2: random weights' default
    PatchCoreBank bank;
    bank.memory = torch::randn({60, d});
    bank.memoryNorms = bank.memory.pow(2).sum(1);
    bank.sharpness = 1000.0;
    model.setBank(bank);
    const auto features = torch::randn({2, d, 4, 4});
    const auto scores = model.patchScores(features);
    const auto patches = features.reshape({2, d, 16}).transpose(1, 2).to(torch::kDouble);
    const auto memory = bank.memory.to(torch::kDouble);
    for (int n = 0; n < 2; ++n) {
        const auto expected = std::get<0>(torch::cdist(patches[n], memory).min(1));
        EXPECT_LT((scores[n].to(torch::kDouble) - expected).abs().max().item<double>(), 1e-3);
    }
}

TEST(AnomalyModelTest, ReweightingMatchesAnomalibsArgmaxAndNeighbours) {
    torch::manual_seed(7);
    auto options = smallOptions(AnomalyMethod::PatchCore);
    options.neighbours = 5;
    AnomalyModel model(options, createBackbone(options));
    const auto d = model.featureDimension();
    PatchCoreBank bank;
    bank.memory = torch::randn({80, d});
    bank.memoryNorms = bank.memory.pow(2).sum(1);
    bank.sharpness = 1000.0;
    model.setBank(bank);
    const auto features = torch::randn({3, d, 4, 4});
    const auto scores = model.patchScores(features);
    const auto got = model.reweightedImageScore(scores, features);
    // anomalib's compute_anomaly_score: the top patch, its nearest memory feature m*, m*'s
    // k nearest in the bank (itself first), 1 - softmax of the distances to them.
    const auto patches = features.reshape({3, d, 16}).transpose(1, 2).to(torch::kDouble);
    const auto memory = bank.memory.to(torch::kDouble);
    for (int n = 0; n < 3; ++n) {
        const auto top = scores[n].argmax().item<std::int64_t>();
        const auto patch = patches[n][top].unsqueeze(0);
        const auto toMemory = torch::cdist(patch, memory)[0];
        const auto nearest = toMemory.argmin().item<std::int64_t>();
        const auto support =
            std::get<1>(torch::cdist(memory[nearest].unsqueeze(0), memory)[0].topk(5, 0, false));
        const auto distances = toMemory.index_select(0, support);
        const double weight = 1.0 - torch::softmax(distances, 0)[0].item<double>();
        const double expected = weight * toMemory[nearest].item<double>();
        EXPECT_NEAR(got[n].item<double>(), expected, 1e-3 * expected) << "image " << n;
    }
}

TEST(AnomalyModelTest, PadimScoresAreMahalanobisDistances) {
    torch::manual_seed(8);
    const auto options = smallOptions(AnomalyMethod::Padim);
    AnomalyModel model(options, createBackbone(options));
    const auto c = model.featureDimension();
    EXPECT_EQ(c, 20);
    const auto positions = 16;
    const auto mean = torch::randn({positions, c});
    const auto a = torch::randn({positions, c, c}, torch::kDouble);
    const auto inverse = torch::matmul(a, a.transpose(1, 2)) + torch::eye(c, torch::kDouble);
    model.setGaussians({torch::arange(c), mean, at::linalg_cholesky(inverse).to(torch::kFloat)});
    const auto features = torch::randn({2, c, 4, 4});
    const auto scores = model.patchScores(features);
    const auto patches = features.reshape({2, c, positions}).to(torch::kDouble);
    for (int p = 0; p < positions; p += 5) {
        for (int n = 0; n < 2; ++n) {
            const auto delta = patches[n].select(1, p) - mean[p].to(torch::kDouble);
            const double expected = std::sqrt(delta.dot(inverse[p].mv(delta)).item<double>());
            EXPECT_NEAR(scores[n][p].item<double>(), expected, 1e-3 * expected);
        }
    }
}

TEST(AnomalyOptionsTest, LayersFollowTheWeightsUnlessChosenAndOldRunsKeepAnomalibs) {
    AnomalyOptions options;
    EXPECT_EQ(featureLayers(options), (std::vector<int>{1, 2})); // random PatchCore
    options.weights = "resnet18-imagenet.pth";
    EXPECT_EQ(featureLayers(options), (std::vector<int>{2, 3}));
    options.weights.clear();
    options.weightsFromRun = 4;
    EXPECT_EQ(featureLayers(options), (std::vector<int>{2, 3}));
    options.method = AnomalyMethod::Padim;
    EXPECT_EQ(featureLayers(options), (std::vector<int>{1, 2, 3}));
    options.layers = {2};
    EXPECT_EQ(featureLayers(options), (std::vector<int>{2}));

    // A run records the layers it compared, and reads them back.
    AnomalyOptions random;
    auto params = toParams(random);
    EXPECT_EQ(params.at("layers"), "[1,2]");
    EXPECT_EQ(fromParams(params).layers, (std::vector<int>{1, 2}));
    // Runs from before: anomalib's layers.
    params.erase("layers");
    EXPECT_EQ(fromParams(params).layers, (std::vector<int>{2, 3}));

    AnomalyOptions wrong;
    wrong.layers = {3, 2};
    EXPECT_THROW(validate(wrong), Error);
    wrong.layers = {0, 1};
    EXPECT_THROW(validate(wrong), Error);
    wrong.method = AnomalyMethod::Padim;
    wrong.layers = {1}; // 64 channels, fewer than PaDiM's 100
    try {
        validate(wrong);
        FAIL() << "64 channels cannot give PaDiM 100";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("have 64"), std::string::npos) << error.what();
    }
}

TEST(AnomalyModelTest, PatchCoreComparesOnLayer2sGridWhicheverLayersItUses) {
    for (const auto& layers : {std::vector<int>{1, 2}, std::vector<int>{2, 3},
                               std::vector<int>{1, 2, 3}, std::vector<int>{1}}) {
        torch::manual_seed(12);
        auto options = smallOptions(AnomalyMethod::PatchCore);
        options.imageSize = 64;
        options.layers = layers;
        AnomalyModel model(options, createBackbone(options));
        const std::int64_t side = layers == std::vector<int>{1} ? 16 : 8; // stride 4 alone
        EXPECT_EQ(model.patchGrid().first, side);
        EXPECT_EQ(model.patchGrid().second, side);
        torch::NoGradGuard noGrad;
        const auto images = torch::rand({2, 3, 64, 64});
        const auto features = model.embed(images);
        EXPECT_EQ(features.sizes(), (c10::IntArrayRef{2, model.featureDimension(), side, side}));
        if (layers.front() == 1 && layers.size() > 1) {
            // layer1 (16 x 16) enters as the 2 x 2 average of its 3 x 3 local means.
            const auto stage1 = model.backbone().stages(images, 1).back();
            const auto expected =
                torch::avg_pool2d(torch::avg_pool2d(stage1, 3, 1, 1, false, true), 2);
            EXPECT_TRUE(torch::allclose(features.slice(1, 0, 64), expected, 1e-5, 1e-6));
        }
    }
}

TEST(AnomalyModelTest, FittedGaussiansWhitenEachPositionsCovariance) {
    torch::manual_seed(10);
    const auto options = smallOptions(AnomalyMethod::Padim);
    AnomalyModel model(options, createBackbone(options));
    const auto images = torch::rand({24, 3, 32, 32});
    std::int64_t next = 0;
    fitAnomalyModel(
        model,
        [&]() -> std::optional<at::Tensor> {
            if (next >= images.size(0)) {
                return std::nullopt;
            }
            next += 8;
            return images.slice(0, next - 8, next);
        },
        3, {}, nullptr);
    torch::NoGradGuard noGrad;
    // The reference in double precision: each position's covariance with anomalib's 0.01 I,
    // which the stored factor W must whiten (W^T S W = I, so |(x - mean) W| is Mahalanobis).
    const auto features = model.embed(images).to(torch::kDouble);
    const auto c = features.size(1);
    const auto byPosition = features.reshape({24, c, -1}).permute({2, 0, 1}); // P x N x C
    const auto& gaussians = model.gaussians();
    ASSERT_EQ(gaussians.mean.size(0), byPosition.size(0));
    for (std::int64_t p = 0; p < byPosition.size(0); p += 7) {
        const auto x = byPosition[p];
        const auto mean = x.mean(0);
        EXPECT_TRUE(torch::allclose(gaussians.mean[p].to(torch::kDouble), mean, 1e-5, 1e-5));
        const auto centred = x - mean;
        const auto covariance =
            centred.t().mm(centred) / 23.0 + 0.01 * torch::eye(c, torch::kDouble);
        const auto w = gaussians.inverseCholesky[p].to(torch::kDouble);
        const auto whitened = w.t().mm(covariance).mm(w);
        EXPECT_LT((whitened - torch::eye(c, torch::kDouble)).abs().max().item<double>(), 1e-3)
            << "position " << p;
    }
}

TEST(AnomalyModelTest, OptimisedStagesGiveTheBackbonesFeatures) {
    for (const auto method : {AnomalyMethod::PatchCore, AnomalyMethod::Padim}) {
        torch::manual_seed(11);
        auto options = smallOptions(method);
        options.imageSize = 64;
        AnomalyModel model(options, createBackbone(options));
        if (method == AnomalyMethod::Padim) {
            model.setGaussians({torch::arange(0, 448, 9), {}, {}});
        }
        // Images as the loader gives them: ImageNet-normalised, with a lighting ramp.
        const auto images =
            (torch::rand({3, 3, 64, 64}) + torch::linspace(0, 1, 64).view({1, 1, 1, 64}) - 0.9) /
            0.25;
        torch::NoGradGuard noGrad;
        const auto eager = model.embed(images);
        model.optimiseForCpu();
        const auto optimised = model.embed(images);
        ASSERT_EQ(eager.sizes(), optimised.sizes());
        const double scale = eager.abs().max().item<double>();
        EXPECT_LT((eager - optimised).abs().max().item<double>(), 1e-4 * scale) << toString(method);
    }
}

TEST(AnomalyModelTest, SavedModelsScoreTheSameWhenLoaded) {
    torch::manual_seed(9);
    const auto options = smallOptions(AnomalyMethod::PatchCore);
    AnomalyModel model(options, createBackbone(options));
    PatchCoreBank bank;
    bank.memory = torch::randn({30, model.featureDimension()});
    bank.memoryNorms = bank.memory.pow(2).sum(1);
    bank.sharpness = 250.0;
    model.setBank(bank);
    model.setNormalisation({5.0, 1.0, 9.0, 0.5, 11.0});
    const testing::TempDir dir;
    model.save(dir / "model.pt");
    AnomalyModel loaded(options, createBackbone(options)); // other random weights
    loaded.load(dir / "model.pt");
    const auto images = torch::rand({2, 3, 32, 32});
    torch::NoGradGuard noGrad;
    const auto before = model.normalise(model.score(images));
    const auto after = loaded.normalise(loaded.score(images));
    EXPECT_TRUE(torch::equal(before.image, after.image));
    EXPECT_TRUE(torch::equal(before.maps, after.maps));
    EXPECT_EQ(loaded.normalisation().mapMax, 11.0);
}

} // namespace
} // namespace kestrel::anomaly
