#pragma once

#include "anomaly/anomaly_options.h"

#include <filesystem>
#include <memory>
#include <vector>

#include <ATen/core/Tensor.h>

namespace kestrel::models {
class ResNet;
}

namespace kestrel::anomaly {

class OptimisedStages;

// What a fitted PatchCore keeps: the coreset of good patch features.
struct PatchCoreBank {
    at::Tensor memory;      // M x D
    at::Tensor memoryNorms; // M: |m|^2
    // The k-NN reweighting picks the highest-scoring patch and the memory features nearest to
    // it with exp(-gap * sharpness) rather than argmax and gather, which OpenCV 4.6 cannot
    // run; sharpness is 1000 / the coreset's covering radius, so a gap of 1% of the typical
    // nearest-neighbour distance already weighs e^-10. Exact up to near ties.
    double sharpness = 1.0;
};

// What a fitted PaDiM keeps: per feature-map position, the mean of the selected channels and
// a factor L of the regularised inverse covariance (inverse = L L^T).
struct PadimGaussians {
    at::Tensor channels;        // int64 C': the channels kept, ascending
    at::Tensor mean;            // P x C'
    at::Tensor inverseCholesky; // P x C' x C'
};

// How raw scores become the 0-1 scores users see: anomalib's min-max normalisation around
// the threshold, so that 0.5 is the threshold: clamp((raw - threshold) / (max - min) + 0.5).
struct ScoreNormalisation {
    double threshold = 0;
    double imageMin = 0, imageMax = 1; // raw image scores on the validation images
    double mapMin = 0, mapMax = 1;     // raw map values on the validation images
};

// Raw (unnormalised) scores for a batch.
struct AnomalyScores {
    at::Tensor image; // N, float32
    at::Tensor maps;  // N x H x W at the input size, float32
};

// An anomaly detector: a torchvision backbone's intermediate features, compared with what
// the good training images looked like. Not thread-safe; eval mode, no gradients.
class AnomalyModel {
public:
    // A model to fit: `backbone` has its weights (and recomputed batch-norm statistics).
    AnomalyModel(AnomalyOptions options, std::shared_ptr<models::ResNet> backbone);
    ~AnomalyModel();

    const AnomalyOptions& options() const { return options_; }
    models::ResNet& backbone() { return *backbone_; }
    std::shared_ptr<models::ResNet> sharedBackbone() const { return backbone_; }

    // The backbone stages whose features are compared (featureLayers of the options).
    std::vector<int> stages() const;
    // Normalised images (N x C x S x S, on the model's device) to features N x D x h x w.
    at::Tensor embed(const at::Tensor& images);
    // The matrices that bring stage `index` (of stages()) to the patch grid; undefined for a
    // stage already on it.
    std::pair<at::Tensor, at::Tensor> stageResampling(std::size_t index) const;
    // The matrices that bring the patch grid to the image, blurred (rows, columns).
    std::pair<at::Tensor, at::Tensor> mapResampling() const;

    void setBank(PatchCoreBank bank);
    void setGaussians(PadimGaussians gaussians);
    const PatchCoreBank& bank() const { return bank_; }
    const PadimGaussians& gaussians() const { return gaussians_; }
    bool fitted() const;

    // Raw scores for normalised images; the model must be fitted.
    AnomalyScores score(const at::Tensor& images);
    // Patch scores (N x P, raw) from embed()'s features.
    at::Tensor patchScores(const at::Tensor& features);
    // PatchCore's reweighted image score from patch scores and features.
    at::Tensor reweightedImageScore(const at::Tensor& patchScores, const at::Tensor& features);

    void setNormalisation(const ScoreNormalisation& normalisation) {
        normalisation_ = normalisation;
    }
    const ScoreNormalisation& normalisation() const { return normalisation_; }
    // 0-1 scores and maps, 0.5 at the threshold.
    AnomalyScores normalise(const AnomalyScores& raw) const;

    // The grid of the compared features for the model's image size (h, w).
    std::pair<std::int64_t, std::int64_t> patchGrid() const { return grid_; }
    std::int64_t featureDimension() const;

    // Saves the backbone, the bank or Gaussians and the normalisation to `file` atomically;
    // loads them back into a model built with the same options. Throws kestrel::Error naming
    // the file.
    void save(const std::filesystem::path& file) const;
    void load(const std::filesystem::path& file);

    void to(const c10::Device& device);
    c10::Device device() const;

    // On the CPU, embed() runs a oneDNN-optimised snapshot of the backbone from now on
    // (OptimisedStages); call it once the weights and batch-norm statistics are final. A no-op
    // on other devices; load() and to() go back to the backbone itself.
    void optimiseForCpu();

private:
    AnomalyOptions options_;
    std::shared_ptr<models::ResNet> backbone_;
    std::unique_ptr<OptimisedStages> optimisedStages_;
    std::pair<std::int64_t, std::int64_t> grid_;
    std::vector<std::pair<at::Tensor, at::Tensor>> stageResampling_; // per stage
    std::pair<at::Tensor, at::Tensor> mapResampling_;
    PatchCoreBank bank_;
    PadimGaussians gaussians_;
    ScoreNormalisation normalisation_;
};

// The backbone for `options`: the architecture with torchvision's names, ImageNet weights
// from `options.weights` when given, in eval mode on the CPU. Throws kestrel::Error when the
// weights do not fit.
std::shared_ptr<models::ResNet> createBackbone(const AnomalyOptions& options);

} // namespace kestrel::anomaly
