#include "anomaly/anomaly_fit.h"

#include "anomaly/anomaly_model.h"
#include "anomaly/coreset.h"
#include "models/resnet.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/eye.h>
#include <ATen/ops/linalg_cholesky.h>
#include <ATen/ops/linalg_solve_triangular.h>
#include <ATen/ops/matmul.h>
#include <ATen/ops/randperm.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/zeros.h>
#include <c10/core/GradMode.h>
#include <torch/nn/modules/batchnorm.h>

namespace kestrel::anomaly {

namespace {

// PaDiM's covariance regulariser (anomalib's 0.01 I).
constexpr double kCovarianceEpsilon = 0.01;

void checkStop(const std::atomic<bool>* stop) {
    if (stop != nullptr && stop->load()) {
        throw FitCancelled{};
    }
}

void report(const FitProgressCallback& progress, const char* stage, std::int64_t done,
            std::int64_t total) {
    if (progress) {
        progress({stage, done, total});
    }
}

// Every good image's features, N x D x P, on the CPU.
at::Tensor collectFeatures(AnomalyModel& model, const BatchSource& batches,
                           std::int64_t totalBatches, const FitProgressCallback& progress,
                           const std::atomic<bool>* stop) {
    std::vector<at::Tensor> parts;
    std::int64_t done = 0;
    while (auto batch = batches()) {
        checkStop(stop);
        const auto features = model.embed(*batch);
        parts.push_back(features.reshape({features.size(0), features.size(1), -1}).cpu());
        report(progress, "features", ++done, totalBatches);
    }
    return at::cat(parts, 0);
}

void fitPatchCore(AnomalyModel& model, const at::Tensor& features,
                  const FitProgressCallback& progress, const std::atomic<bool>* stop) {
    // N x D x P -> (N * P) x D patch rows.
    const auto patches = features.transpose(1, 2).reshape({-1, features.size(1)}).contiguous();
    const auto rows = patches.size(0);
    const auto count = std::clamp<std::int64_t>(
        static_cast<std::int64_t>(std::ceil(model.options().coresetRatio * rows)), 1, rows);
    PatchCoreBank bank;
    double radius = 0;
    if (count == rows) {
        bank.memory = patches;
    } else {
        const Coreset coreset = greedyCoreset(patches, count, model.options().seed, progress, stop);
        bank.memory = patches.index_select(0, coreset.indices).contiguous();
        radius = coreset.radius;
    }
    bank.memoryNorms = (bank.memory * bank.memory).sum(1);
    // The reweighting's scale: the coreset's covering radius, or for a full bank a small
    // share of the features' size.
    const double scale = std::max(radius, 1e-3 * std::sqrt(bank.memoryNorms.mean().item<double>()));
    bank.sharpness = 1000.0 / std::max(scale, 1e-12);
    const auto device = model.device();
    bank.memory = bank.memory.to(device);
    bank.memoryNorms = bank.memoryNorms.to(device);
    model.setBank(std::move(bank));
}

void fitPadim(AnomalyModel& model, const at::Tensor& features, const FitProgressCallback& progress,
              const std::atomic<bool>* stop) {
    const auto n = features.size(0);
    const auto c = features.size(1);
    const auto positions = features.size(2);
    const auto mean = features.mean(0).t().contiguous(); // P x C
    const auto identity = at::eye(c, features.options());
    std::vector<at::Tensor> factors;
    // Chunks of positions bound the P x N x C copy (wide_resnet50_2: 550 channels).
    const std::int64_t chunk = 256;
    for (std::int64_t start = 0; start < positions; start += chunk) {
        checkStop(stop);
        const auto end = std::min(positions, start + chunk);
        const auto centred = (features.slice(2, start, end).permute({2, 0, 1}) -
                              mean.slice(0, start, end).unsqueeze(1))
                                 .contiguous(); // p x N x C, contiguous: bmm is twice as fast
        const auto covariance = at::matmul(centred.transpose(1, 2), centred) /
                                    static_cast<double>(std::max<std::int64_t>(n - 1, 1)) +
                                kCovarianceEpsilon * identity;
        // covariance = L L^T, so its inverse is L^-T L^-1 and |(x - mean) L^-T|^2 is the
        // squared Mahalanobis distance. A Cholesky factor and a triangular solve in single
        // precision: the 0.01 I keeps the smallest eigenvalue away from zero.
        const auto lower = at::linalg_cholesky(covariance);
        const auto inverseLower =
            at::linalg_solve_triangular(lower, identity.expand_as(lower), false);
        factors.push_back(inverseLower.transpose(1, 2));
        report(progress, "gaussians", end, positions);
    }
    PadimGaussians gaussians = model.gaussians();
    const auto device = model.device();
    gaussians.mean = mean.to(device);
    gaussians.inverseCholesky = at::cat(factors, 0).to(device).contiguous();
    model.setGaussians(std::move(gaussians));
}

} // namespace

void recomputeBatchNormStatistics(models::ResNet& backbone, int lastStage,
                                  const BatchSource& batches, std::int64_t totalBatches,
                                  const FitProgressCallback& progress,
                                  const std::atomic<bool>* stop) {
    std::vector<torch::nn::BatchNorm2dImpl*> norms;
    for (const auto& module : backbone.modules(false)) {
        if (auto* norm = dynamic_cast<torch::nn::BatchNorm2dImpl*>(module.get())) {
            norm->options.momentum(c10::nullopt); // a cumulative average over the batches
            norm->reset_running_stats();
            norms.push_back(norm);
        }
    }
    c10::NoGradGuard noGrad;
    backbone.train();
    std::int64_t done = 0;
    try {
        while (auto batch = batches()) {
            checkStop(stop);
            backbone.stages(*batch, lastStage);
            report(progress, "batch norm", ++done, totalBatches);
        }
    } catch (...) {
        backbone.eval();
        throw;
    }
    backbone.eval();
    for (auto* norm : norms) {
        norm->options.momentum(0.1);
    }
}

void fitAnomalyModel(AnomalyModel& model, const BatchSource& batches, std::int64_t totalBatches,
                     const FitProgressCallback& progress, const std::atomic<bool>* stop) {
    c10::NoGradGuard noGrad;
    if (model.options().method == AnomalyMethod::Padim) {
        // A seeded random subset of the channels, as the paper (and anomalib) keep.
        auto generator = at::make_generator<at::CPUGeneratorImpl>(model.options().seed);
        std::int64_t all = 0;
        for (const int stage : model.stages()) {
            all += model.backbone().stageChannels(stage);
        }
        auto channels =
            at::randperm(all, generator, at::kLong).slice(0, 0, padimChannels(model.options()));
        model.setGaussians({std::get<0>(channels.sort()), {}, {}});
    }
    const auto features = collectFeatures(model, batches, totalBatches, progress, stop);
    if (model.options().method == AnomalyMethod::PatchCore) {
        fitPatchCore(model, features, progress, stop);
    } else {
        fitPadim(model, features, progress, stop);
    }
}

} // namespace kestrel::anomaly
