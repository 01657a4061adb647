#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace kestrel::anomaly {

// PatchCore (Roth et al. 2022): a memory bank of good patch features, a patch's score its
// distance to the nearest. PaDiM (Defard et al. 2021): a Gaussian per feature-map position,
// a patch's score its Mahalanobis distance.
enum class AnomalyMethod { PatchCore, Padim };

std::string toString(AnomalyMethod method); // "patchcore", "padim"
// Throws kestrel::Error (InvalidArgument) naming `name` and the methods.
AnomalyMethod parseAnomalyMethod(const std::string& name);

// Everything that shapes an anomaly-detection run; a run stores all of it (toParams), so
// `eval` and `export` rebuild exactly the same model.
struct AnomalyOptions {
    AnomalyMethod method = AnomalyMethod::PatchCore;
    std::string backbone = "resnet18"; // resnet18 or wide_resnet50_2
    int imageSize = 224;
    int channels = 3; // 1 (gray: the stem's RGB weights are summed) or 3
    std::vector<double> mean = {0.485, 0.456, 0.406}; // ImageNet's, what the backbones expect
    std::vector<double> std = {0.229, 0.224, 0.225};

    double coresetRatio = 0.1; // PatchCore: the share of training patches kept
    int neighbours = 9;        // PatchCore: the image score's k-NN reweighting; 1 turns it off
    int padimChannels = 0;     // PaDiM: random channels kept; 0: 100 (resnet18), 550 (wide)
    // The backbone stages whose features are compared, ascending (1-4); empty: featureLayers'
    // choice for the method and weights.
    std::vector<int> layers;
    // Re-estimate the backbone's batch-norm statistics on the good training images first. Off
    // by default even for a random backbone: with torchvision's initialisation its features are
    // already well scaled, and on generated surfaces recomputing lowered image AUROC for
    // PatchCore and PaDiM alike (bench/README.md, "Anomaly detection").
    bool recomputeBatchNorm = false;
    std::filesystem::path weights;   // a torchvision state_dict for the backbone, optional
    std::int64_t weightsFromRun = 0; // a classification run whose best weights to use; 0: none

    std::string goodClass; // empty: the class named good, ok, okay, pass or normal
    // 0: the threshold maximises F1 on validation; else it catches this share of the
    // validation defects with the fewest false rejects.
    double targetDefectRecall = 0;

    std::string device = "auto";
    int threads = 0;
    int workers = 2;
    int batchSize = 16;
    std::uint64_t seed = 0;
};

// Throws kestrel::Error (InvalidArgument) naming the first value out of range.
void validate(const AnomalyOptions& options);

// The channel count PaDiM keeps for `options` (its own, or the backbone's default).
int padimChannels(const AnomalyOptions& options);

// The stages compared: options.layers, else PaDiM's layer1-3 and PatchCore's layer2+layer3
// (anomalib's) with pretrained weights, layer1+layer2 without. A random backbone's layer3
// mixes a wide, zero-padded surround through two more random stages: on generated surfaces its
// good parts' highest patch scores sat where the padding reaches, and layer1+layer2 raised image
// AUROC by about 0.1 (bench/README.md, "Anomaly detection").
std::vector<int> featureLayers(const AnomalyOptions& options);
// The channels of `backbone`'s layer`stage` (resnet18: 64 << (stage - 1); wide: 4x that).
std::int64_t backboneStageChannels(const std::string& backbone, int stage);

// Run parameters (run_params rows) and back; fromParams throws kestrel::Error naming a
// missing or malformed key.
std::map<std::string, std::string> toParams(const AnomalyOptions& options);
AnomalyOptions fromParams(const std::map<std::string, std::string>& params);

// The backbones anomaly detection can use, in the order the CLI lists them.
const std::vector<std::string>& anomalyBackbones();

} // namespace kestrel::anomaly
