#pragma once

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

    // Every top-1 (verdict) the same and every probability (score, map value) within the
    // tolerance.
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

// Compares two `count` x `classes` row-major probability tables, the trained model's
// (`reference`) and the exported file's.
// Compares an anomaly detector's normalised scores (`count`) and maps (`count` x pixels), the
// fitted model's and the exported file's. `scoreScale` and `mapScale` turn a normalised
// difference into a share of the raw threshold.
VerificationReport compareAnomalyOutputs(const std::vector<float>& referenceScores,
                                         const std::vector<float>& exportedScores,
                                         const std::vector<float>& referenceMaps,
                                         const std::vector<float>& exportedMaps, int count,
                                         double mapTolerance, double scoreTolerance,
                                         double scoreScale, double mapScale);

VerificationReport compareProbabilities(const std::vector<float>& reference,
                                        const std::vector<float>& exported, int count, int classes,
                                        double tolerance);

} // namespace kestrel::exporting
