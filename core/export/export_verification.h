#pragma once

#include "inspection/fcos_decoding.h"

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
    // "a.png: 12 of 4096 pixels differ". Detection: the first box not found again.
    std::string firstDifference;
    // Detection (raw outputs decoded into boxes): top1Agreements counts images whose every
    // box of the trained model the exported file found again, same class, IoU at least
    // `minBoxIou` (or every side within 0.01 px: boxes of next to no area, as untrained
    // detectors give, have no meaningful IoU) and score within `tolerance` (near ties aside:
    // compareDetections);
    // maxAbsDifference is over the matched scores.
    bool boxes = false;
    std::int64_t boxCount = 0; // the trained model's, over all images
    double worstBoxIou = 1.0;  // the lowest IoU of a matched box
    double minBoxIou = 0.99;

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

// Compares a detector's raw FCOS outputs (`count` x (classes + 5) x cells), the trained
// model's and the exported file's, as the boxes they decode to for a `width` x `height` input
// with `strides` (inspection::decodeFcos with `decoding`). A box not found again is a near tie
// (counted in nearTies, not a failure) when float32 rounding could have decided it either way:
// its score within `tolerance` of the threshold or of the last box kept when decoding kept
// its most, or an exported box of its class that would suppress it scoring within `tolerance`
// of it.
VerificationReport compareDetections(const std::vector<float>& reference,
                                     const std::vector<float>& exported, int count, int classes,
                                     const std::vector<int>& strides, int width, int height,
                                     const inspection::DetectionDecoding& decoding,
                                     double tolerance,
                                     const std::vector<std::string>& imageNames = {});

// Compares two `count` x `classes` x `height` x `width` (NCHW) per-pixel probability maps,
// the trained model's (`reference`) and the exported file's. `imageNames` (one per image, or
// none: "image 3") name the first image whose pixel classes differ.
VerificationReport comparePixelProbabilities(const std::vector<float>& reference,
                                             const std::vector<float>& exported, int count,
                                             int classes, int height, int width, double tolerance,
                                             const std::vector<std::string>& imageNames = {});

} // namespace kestrel::exporting
