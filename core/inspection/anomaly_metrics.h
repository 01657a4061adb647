#pragma once

#include <cstdint>
#include <vector>

namespace cv {
class Mat;
}

namespace kestrel::inspection {

// Figures of an anomaly detector, LibTorch-free so widgets can recompute them. A score is
// higher for more anomalous; "positive" means defective; a part is called defective when its
// score is at or above the threshold.

// The area under the ROC curve: the chance a random defect scores above a random good part,
// ties counting half. 0.5 when either side is empty.
double areaUnderRoc(const std::vector<float>& scores, const std::vector<std::uint8_t>& positive);

struct BinaryCounts {
    std::int64_t truePositives = 0;  // defects caught
    std::int64_t falseNegatives = 0; // defects that escape
    std::int64_t falsePositives = 0; // good parts rejected
    std::int64_t trueNegatives = 0;
    double f1() const;
    double escapeRate() const;      // FN / defects; 0 without defects
    double falseRejectRate() const; // FP / good parts; 0 without good parts
};
BinaryCounts countsAt(const std::vector<float>& scores, const std::vector<std::uint8_t>& positive,
                      double threshold);

// The threshold with the highest F1: the middle of the gap below the lowest defect it calls,
// so validation's own scores sit clear of it. Without defects, the largest good score plus
// the good scores' standard deviation (no good validation part rejected, with a margin).
// Without any score, 0.
double bestF1Threshold(const std::vector<float>& scores, const std::vector<std::uint8_t>& positive);

// Per-region overlap (Bergmann et al., MVTec AD): the mean share of each ground-truth region
// above a threshold, integrated over the false positive rate of defect-free pixels from 0 to
// `maxFalsePositiveRate` and divided by it. `maps` are CV_32F, `masks` CV_8U of the same
// size (non-zero: defect), one per image. 0 without any region.
double perRegionOverlap(const std::vector<cv::Mat>& maps, const std::vector<cv::Mat>& masks,
                        double maxFalsePositiveRate = 0.3);

// A histogram of scores into `bins` equal bins over [low, high] (values outside are clamped
// into the end bins), counted separately for good parts and defects.
struct ScoreHistogram {
    double low = 0, high = 1;
    std::vector<std::int64_t> good, defect;
};
ScoreHistogram scoreHistogram(const std::vector<float>& scores,
                              const std::vector<std::uint8_t>& positive, int bins, double low,
                              double high);

} // namespace kestrel::inspection
