#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kestrel::exporting {

// How closely an exported file reproduced the trained model on the same images.
struct VerificationReport {
    std::string format;
    std::string runtime; // what ran the exported file, e.g. "OpenCV DNN 4.6.0"
    int samples = 0;
    int top1Agreements = 0;
    double maxAbsDifference = 0; // over every class probability of every sample
    double meanAbsDifference = 0;
    double tolerance = 1e-4;
    // Anomaly detectors: top1Agreements counts equal verdicts (a score within
    // `scoreTolerance` of the threshold agrees either way); maxAbsDifference (scores) and
    // maxMapDifference (maps) are raw differences as a share of the raw threshold, the maps
    // held to `tolerance` and the scores to `scoreTolerance`.
    bool anomaly = false;
    double maxMapDifference = 0;
    double scoreTolerance = 1e-2;
    // Per-pixel probabilities (segmentation, N x K x H x W): top1Agreements counts images
    // whose every pixel has the trained model's class, a pixel where that model's top two
    // probabilities are within `tolerance` agreeing either way (a near tie, which float32
    // rounding may break differently); maxAbsDifference is over every pixel's probabilities.
    bool perPixel = false;
    std::int64_t pixelsPerImage = 0;
    std::int64_t differingPixels = 0; // over all images, near ties left out
    std::int64_t nearTies = 0;        // near-tie pixels whose class differed
    // The first image whose pixel classes differ and how many do:
    // "a.png: 12 of 4096 pixels differ".
    std::string firstDifference;

    // Every top-1 (verdict, pixel class) the same and every probability (score, map value)
    // within the tolerance.
    bool passed() const {
        return samples > 0 && top1Agreements == samples &&
               (anomaly ? maxAbsDifference <= scoreTolerance && maxMapDifference <= tolerance
                        : maxAbsDifference <= tolerance);
    }
    // "top-1 agreed on 128 of 128 images; largest probability difference 2.4e-07 (tolerance
    // 1e-04)"
    std::string summary() const;
    std::string toJson() const;
};

// Compares an anomaly detector's normalised scores (`count`) and maps (`count` x pixels), the
// fitted model's and the exported file's. `scoreScale` and `mapScale` turn a normalised
// difference into a share of the raw threshold.
VerificationReport compareAnomalyOutputs(const std::vector<float>& referenceScores,
                                         const std::vector<float>& exportedScores,
                                         const std::vector<float>& referenceMaps,
                                         const std::vector<float>& exportedMaps, int count,
                                         double mapTolerance, double scoreTolerance,
                                         double scoreScale, double mapScale);

// Compares two `count` x `classes` row-major probability tables, the trained model's
// (`reference`) and the exported file's.
VerificationReport compareProbabilities(const std::vector<float>& reference,
                                        const std::vector<float>& exported, int count, int classes,
                                        double tolerance);

// Compares two `count` x `classes` x `height` x `width` (NCHW) per-pixel probability maps,
// the trained model's (`reference`) and the exported file's. `imageNames` (one per image, or
// none: "image 3") name the first image whose pixel classes differ.
VerificationReport comparePixelProbabilities(const std::vector<float>& reference,
                                             const std::vector<float>& exported, int count,
                                             int classes, int height, int width, double tolerance,
                                             const std::vector<std::string>& imageNames = {});

} // namespace kestrel::exporting
