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

    // Every top-1 the same and every probability within the tolerance.
    bool passed() const {
        return samples > 0 && top1Agreements == samples && maxAbsDifference <= tolerance;
    }
    // "top-1 agreed on 128 of 128 images; largest probability difference 2.4e-07 (tolerance
    // 1e-04)"
    std::string summary() const;
    std::string toJson() const;
};

// Compares two `count` x `classes` row-major probability tables, the trained model's
// (`reference`) and the exported file's.
VerificationReport compareProbabilities(const std::vector<float>& reference,
                                        const std::vector<float>& exported, int count, int classes,
                                        double tolerance);

} // namespace kestrel::exporting
