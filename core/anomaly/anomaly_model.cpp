#include "anomaly/anomaly_model.h"

#include "anomaly/optimised_stages.h"
#include "anomaly/resampling.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "models/layer_graph.h"
#include "models/resnet.h"
#include "models/torchvision_weights.h"

#include <algorithm>
#include <sstream>

#include <ATen/ops/cat.h>
#include <ATen/ops/exp.h>
#include <ATen/ops/matmul.h>
#include <ATen/ops/relu.h>
#include <ATen/ops/softmax.h>
#include <ATen/ops/sqrt.h>
#include <ATen/ops/stack.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/zeros_like.h>
#include <torch/nn/functional/pooling.h>
#include <torch/serialize.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

namespace kestrel::anomaly {

namespace {

// A stride-2 step of the backbone (convolution or pooling with padding) halves a side so.
std::int64_t halved(std::int64_t size) {
    return (size - 1) / 2 + 1;
}

// The side of layer`stage`'s output for an input side `size`: the stem and max-pool halve
// twice, layer2..4 once each.
std::int64_t stageSide(std::int64_t size, int stage) {
    std::int64_t side = halved(halved(size));
    for (int s = 2; s <= stage; ++s) {
        side = halved(side);
    }
    return side;
}

// |x - m|^2 for rows of x (... x D) against the bank, as one matrix product (cdist is slow in
// LibTorch 1.13 and has no ONNX form).
at::Tensor squaredDistances(const at::Tensor& x, const PatchCoreBank& bank) {
    return (x * x).sum(-1, true) - 2 * at::matmul(x, bank.memory.t()) + bank.memoryNorms;
}

} // namespace

std::shared_ptr<models::ResNet> createBackbone(const AnomalyOptions& options) {
    const auto depth = options.backbone == "resnet18" ? models::ResNet::Depth::R18
                                                      : models::ResNet::Depth::WideR50;
    auto backbone = std::make_shared<models::ResNet>(depth, 1000, options.channels);
    if (!options.weights.empty()) {
        models::loadTorchvisionWeights(*backbone, options.weights);
    }
    backbone->eval();
    return backbone;
}

AnomalyModel::AnomalyModel(AnomalyOptions options, std::shared_ptr<models::ResNet> backbone)
    : options_(std::move(options)), backbone_(std::move(backbone)) {
    validate(options_);
    backbone_->eval();
    const auto layers = stages();
    const bool patchcore = options_.method == AnomalyMethod::PatchCore;
    // PaDiM compares on its first stage's grid; PatchCore on layer2's (stride 8) or its only
    // stage's, a finer stage averaged down to it and coarser ones bilinearly resized up.
    const int gridStage =
        patchcore ? std::min(std::max(layers.front(), 2), layers.back()) : layers.front();
    const std::int64_t side = stageSide(options_.imageSize, gridStage);
    grid_ = {side, side};
    for (const int layer : layers) {
        const std::int64_t from = stageSide(options_.imageSize, layer);
        at::Tensor matrix;
        if (from > side) {
            matrix = at::tensor(models::adaptivePoolMatrix(from, side)).reshape({from, side}).t();
        } else if (from < side) {
            matrix = patchcore ? bilinearMatrix(from, side) : nearestMatrix(from, side);
        }
        stageResampling_.emplace_back(matrix, matrix);
    }
    const auto blur = gaussianBlurMatrix(options_.imageSize, kMapSigma);
    const auto up = at::matmul(blur, bilinearMatrix(side, options_.imageSize));
    mapResampling_ = {up, up};
}

AnomalyModel::~AnomalyModel() = default;

std::vector<int> AnomalyModel::stages() const {
    return featureLayers(options_);
}

std::pair<at::Tensor, at::Tensor> AnomalyModel::stageResampling(std::size_t index) const {
    return stageResampling_.at(index);
}

std::pair<at::Tensor, at::Tensor> AnomalyModel::mapResampling() const {
    return mapResampling_;
}

std::int64_t AnomalyModel::featureDimension() const {
    if (options_.method == AnomalyMethod::Padim) {
        return padimChannels(options_);
    }
    std::int64_t total = 0;
    for (const int stage : stages()) {
        total += backbone_->stageChannels(stage);
    }
    return total;
}

at::Tensor AnomalyModel::embed(const at::Tensor& images) {
    namespace F = torch::nn::functional;
    const auto layers = stages();
    auto outputs =
        optimisedStages_ ? (*optimisedStages_)(images) : backbone_->stages(images, layers.back());
    // PaDiM keeps a random subset of the concatenated channels: each stage gives its share
    // before resampling, rather than resampling all of them and dropping most.
    const bool subset = options_.method == AnomalyMethod::Padim && gaussians_.channels.defined();
    std::int64_t offset = 0;
    std::vector<at::Tensor> parts;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        auto part = outputs.at(static_cast<std::size_t>(layers[i] - 1));
        if (subset) {
            const auto& all = gaussians_.channels;
            const auto width = part.size(1);
            const auto mine = all.masked_select((all >= offset) & (all < offset + width)) - offset;
            offset += width;
            part = part.index_select(1, mine.to(part.device()));
        }
        if (options_.method == AnomalyMethod::PatchCore) {
            // PatchCore's local neighbourhood aggregation: each patch sees its 3x3 surround.
            part = F::avg_pool2d(part, F::AvgPool2dFuncOptions(3).stride(1).padding(1));
        }
        if (const auto& [rows, columns] = stageResampling_[i]; rows.defined()) {
            part = resample(part, rows.to(part.device()), columns.to(part.device()));
        }
        parts.push_back(part);
    }
    return at::cat(parts, 1).contiguous();
}

void AnomalyModel::setBank(PatchCoreBank bank) {
    bank_ = std::move(bank);
}

void AnomalyModel::setGaussians(PadimGaussians gaussians) {
    gaussians_ = std::move(gaussians);
}

bool AnomalyModel::fitted() const {
    return options_.method == AnomalyMethod::PatchCore ? bank_.memory.defined()
                                                       : gaussians_.mean.defined();
}

at::Tensor AnomalyModel::patchScores(const at::Tensor& features) {
    const auto n = features.size(0);
    const auto d = features.size(1);
    const auto patches = features.reshape({n, d, -1}).transpose(1, 2); // N x P x D
    if (options_.method == AnomalyMethod::PatchCore) {
        // One image at a time bounds the N x P x M distance matrix.
        std::vector<at::Tensor> rows;
        for (std::int64_t i = 0; i < n; ++i) {
            const auto distances = squaredDistances(patches[i], bank_);
            rows.push_back(std::get<0>(distances.min(1)));
        }
        return at::sqrt(at::relu(at::stack(rows)));
    }
    // PaDiM: |(x - mean) L| per position, batched over positions.
    const auto centred = patches.transpose(0, 1) - gaussians_.mean.unsqueeze(1); // P x N x C
    const auto whitened = at::matmul(centred, gaussians_.inverseCholesky);
    return at::sqrt(at::relu((whitened * whitened).sum(2))).t().contiguous(); // N x P
}

at::Tensor AnomalyModel::reweightedImageScore(const at::Tensor& scores,
                                              const at::Tensor& features) {
    const auto n = features.size(0);
    const auto patches = features.reshape({n, features.size(1), -1}).transpose(1, 2);
    const auto top = std::get<0>(scores.max(1, true)); // N x 1
    if (options_.neighbours <= 1) {
        return top.squeeze(1);
    }
    const double sharpness = bank_.sharpness;
    // The highest-scoring patch's features (a blend of exact ties).
    const auto pick = at::softmax(scores * sharpness, 1);
    const auto worst = (pick.unsqueeze(2) * patches).sum(1);                  // N x D
    const auto toMemory = at::sqrt(at::relu(squaredDistances(worst, bank_))); // N x M
    const auto nearest = std::get<0>(toMemory.min(1, true));
    // Its nearest memory feature m*, then the distances from m* to the whole bank.
    const auto chosen = at::softmax(toMemory * -sharpness, 1);
    const auto anchor = at::matmul(chosen, bank_.memory); // N x D
    auto fromAnchor = at::sqrt(at::relu(squaredDistances(anchor, bank_)));
    // anomalib: 1 - softmax over the distances from the patch to m*'s k nearest memory
    // features (m* first), taken one nearest at a time.
    const auto lifted = at::exp(toMemory - nearest);
    auto total = at::zeros_like(nearest);
    for (int k = 0; k < options_.neighbours; ++k) {
        const auto closest = std::get<0>(fromAnchor.min(1, true));
        const auto mask = at::exp((closest - fromAnchor) * sharpness);
        total = total + (mask * lifted).sum(1, true) / mask.sum(1, true);
        // Only the nearest (weight above one half) leaves; the others' tiny weights must not
        // push them out too.
        fromAnchor = fromAnchor + at::relu(mask - 0.5) * 1e30;
    }
    return (top * ((total - 1) / total)).squeeze(1);
}

AnomalyScores AnomalyModel::score(const at::Tensor& images) {
    if (!fitted()) {
        throw Error(ErrorKind::InvalidArgument, "The anomaly model has not been fitted.");
    }
    const auto features = embed(images);
    const auto scores = patchScores(features);
    const auto [gridHeight, gridWidth] = grid_;
    const auto& [rows, columns] = mapResampling_;
    auto maps = resample(scores.reshape({-1, gridHeight, gridWidth}), rows.to(scores.device()),
                         columns.to(scores.device()));
    at::Tensor image = options_.method == AnomalyMethod::PatchCore
                           ? reweightedImageScore(scores, features)
                           : std::get<0>(maps.flatten(1).max(1));
    return {image, maps};
}

AnomalyScores AnomalyModel::normalise(const AnomalyScores& raw) const {
    const auto& n = normalisation_;
    const auto scale = [](double low, double high) {
        return high > low ? high - low : 1.0;
    };
    return {((raw.image - n.threshold) / scale(n.imageMin, n.imageMax) + 0.5).clamp(0, 1),
            ((raw.maps - n.threshold) / scale(n.mapMin, n.mapMax) + 0.5).clamp(0, 1)};
}

void AnomalyModel::optimiseForCpu() {
    if (device().is_cpu()) {
        optimisedStages_ = std::make_unique<OptimisedStages>(*backbone_, options_.channels,
                                                             options_.imageSize, stages().back());
    }
}

void AnomalyModel::to(const c10::Device& device) {
    optimisedStages_.reset();
    backbone_->to(device);
    if (bank_.memory.defined()) {
        bank_.memory = bank_.memory.to(device);
        bank_.memoryNorms = bank_.memoryNorms.to(device);
    }
    if (gaussians_.mean.defined()) {
        gaussians_.mean = gaussians_.mean.to(device);
        gaussians_.inverseCholesky = gaussians_.inverseCholesky.to(device);
    }
}

c10::Device AnomalyModel::device() const {
    return backbone_->parameters().front().device();
}

void AnomalyModel::save(const std::filesystem::path& file) const {
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive backbone;
    backbone_->save(backbone);
    archive.write("backbone", backbone);
    if (options_.method == AnomalyMethod::PatchCore) {
        archive.write("memory", bank_.memory.cpu());
        archive.write("sharpness", at::tensor(bank_.sharpness, at::kDouble));
    } else {
        archive.write("channels", gaussians_.channels.cpu());
        archive.write("mean", gaussians_.mean.cpu());
        archive.write("inverse_cholesky", gaussians_.inverseCholesky.cpu());
    }
    const auto& n = normalisation_;
    archive.write("normalisation", at::tensor(std::vector<double>{n.threshold, n.imageMin,
                                                                  n.imageMax, n.mapMin, n.mapMax},
                                              at::kDouble));
    std::ostringstream bytes;
    archive.save_to(bytes);
    writeFileAtomically(file, bytes.str());
}

void AnomalyModel::load(const std::filesystem::path& file) {
    optimisedStages_.reset();
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(file.string());
        torch::serialize::InputArchive backbone;
        archive.read("backbone", backbone);
        backbone_->load(backbone);
        at::Tensor value;
        if (options_.method == AnomalyMethod::PatchCore) {
            archive.read("memory", bank_.memory);
            bank_.memoryNorms = (bank_.memory * bank_.memory).sum(1);
            archive.read("sharpness", value);
            bank_.sharpness = value.item<double>();
        } else {
            archive.read("channels", gaussians_.channels);
            archive.read("mean", gaussians_.mean);
            archive.read("inverse_cholesky", gaussians_.inverseCholesky);
        }
        archive.read("normalisation", value);
        const auto v = value.accessor<double, 1>();
        normalisation_ = {v[0], v[1], v[2], v[3], v[4]};
    } catch (const c10::Error& error) {
        throw Error(ErrorKind::Corrupt, "The anomaly model " + file.string() +
                                            " cannot be read: " + error.what_without_backtrace());
    }
    backbone_->eval();
}

} // namespace kestrel::anomaly
