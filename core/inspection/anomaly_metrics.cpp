#include "inspection/anomaly_metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::inspection {

double areaUnderRoc(const std::vector<float>& scores, const std::vector<std::uint8_t>& positive) {
    // Mann-Whitney: the share of (defect, good) pairs the defect outscores, ties counting one
    // half. Both sides sorted by value (not an index sorted through the scores: five million
    // pixels sort several times faster so), then one sweep.
    std::vector<float> defects;
    std::vector<float> good;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        (positive[i] != 0 ? defects : good).push_back(scores[i]);
    }
    if (defects.empty() || good.empty()) {
        return 0.5;
    }
    std::sort(defects.begin(), defects.end());
    std::sort(good.begin(), good.end());
    double wins = 0;
    std::size_t below = 0;    // good scores under the current defect score
    std::size_t notAbove = 0; // good scores at or under it
    for (const float score : defects) {
        while (below < good.size() && good[below] < score) {
            ++below;
        }
        notAbove = std::max(notAbove, below);
        while (notAbove < good.size() && good[notAbove] <= score) {
            ++notAbove;
        }
        wins += static_cast<double>(below) + 0.5 * static_cast<double>(notAbove - below);
    }
    return wins / (static_cast<double>(defects.size()) * static_cast<double>(good.size()));
}

double BinaryCounts::f1() const {
    const auto denominator = 2 * truePositives + falsePositives + falseNegatives;
    return denominator == 0
               ? 0.0
               : 2.0 * static_cast<double>(truePositives) / static_cast<double>(denominator);
}

double BinaryCounts::escapeRate() const {
    const auto defects = truePositives + falseNegatives;
    return defects == 0 ? 0.0 : static_cast<double>(falseNegatives) / static_cast<double>(defects);
}

double BinaryCounts::falseRejectRate() const {
    const auto good = falsePositives + trueNegatives;
    return good == 0 ? 0.0 : static_cast<double>(falsePositives) / static_cast<double>(good);
}

BinaryCounts countsAt(const std::vector<float>& scores, const std::vector<std::uint8_t>& positive,
                      double threshold) {
    BinaryCounts counts;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        const bool called = scores[i] >= threshold;
        if (positive[i] != 0) {
            ++(called ? counts.truePositives : counts.falseNegatives);
        } else {
            ++(called ? counts.falsePositives : counts.trueNegatives);
        }
    }
    return counts;
}

double bestF1Threshold(const std::vector<float>& scores,
                       const std::vector<std::uint8_t>& positive) {
    if (scores.empty()) {
        return 0;
    }
    const bool anyDefect = std::any_of(positive.begin(), positive.end(), [](auto p) { return p; });
    if (!anyDefect) {
        const double mean =
            std::accumulate(scores.begin(), scores.end(), 0.0) / static_cast<double>(scores.size());
        double variance = 0;
        for (const float score : scores) {
            variance += (score - mean) * (score - mean);
        }
        const double deviation = std::sqrt(variance / static_cast<double>(scores.size()));
        return *std::max_element(scores.begin(), scores.end()) + deviation;
    }
    std::vector<float> distinct = scores;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    double best = distinct.front();
    double bestF1 = -1;
    for (std::size_t i = 0; i < distinct.size(); ++i) {
        // Calling everything from distinct[i] up: the threshold sits midway below it.
        const double threshold =
            i == 0 ? distinct[0] : (static_cast<double>(distinct[i - 1]) + distinct[i]) / 2.0;
        const double f1 = countsAt(scores, positive, threshold).f1();
        if (f1 > bestF1) {
            bestF1 = f1;
            best = threshold;
        }
    }
    return best;
}

double perRegionOverlap(const std::vector<cv::Mat>& maps, const std::vector<cv::Mat>& masks,
                        double maxFalsePositiveRate) {
    std::vector<std::vector<float>> regions; // each region's scores, sorted
    std::vector<float> background;           // defect-free pixels' scores
    for (std::size_t i = 0; i < maps.size(); ++i) {
        cv::Mat labels;
        const int count = cv::connectedComponents(masks[i] != 0, labels, 8, CV_32S);
        std::vector<std::vector<float>> found(static_cast<std::size_t>(count));
        for (int y = 0; y < labels.rows; ++y) {
            const auto* label = labels.ptr<int>(y);
            const auto* score = maps[i].ptr<float>(y);
            for (int x = 0; x < labels.cols; ++x) {
                (label[x] == 0 ? background : found[static_cast<std::size_t>(label[x])])
                    .push_back(score[x]);
            }
        }
        for (std::size_t r = 1; r < found.size(); ++r) {
            std::sort(found[r].begin(), found[r].end());
            regions.push_back(std::move(found[r]));
        }
    }
    if (regions.empty() || background.empty()) {
        return 0;
    }
    std::sort(background.begin(), background.end());
    const auto above = [](const std::vector<float>& sorted, float threshold) {
        const auto first = std::lower_bound(sorted.begin(), sorted.end(), threshold);
        return static_cast<double>(sorted.end() - first) / static_cast<double>(sorted.size());
    };
    // The curve at thresholds from the background's quantiles, false positive rate rising
    // from 0 to past the limit, then the trapezoid area up to the limit.
    const int steps = 300;
    std::vector<std::pair<double, double>> curve; // (false positive rate, overlap)
    for (int step = 0; step <= steps; ++step) {
        const double rate = maxFalsePositiveRate * 1.05 * step / steps;
        const auto index = std::min(background.size() - 1,
                                    static_cast<std::size_t>(std::floor(
                                        (1.0 - rate) * static_cast<double>(background.size()))));
        const float threshold =
            step == 0 ? std::nextafter(background.back(), INFINITY) : background[index];
        double overlap = 0;
        for (const auto& region : regions) {
            overlap += above(region, threshold);
        }
        curve.emplace_back(above(background, threshold),
                           overlap / static_cast<double>(regions.size()));
    }
    std::sort(curve.begin(), curve.end());
    double area = 0;
    for (std::size_t i = 1; i < curve.size() && curve[i - 1].first < maxFalsePositiveRate; ++i) {
        auto [x0, y0] = curve[i - 1];
        auto [x1, y1] = curve[i];
        if (x1 > maxFalsePositiveRate) {
            y1 = y0 + (y1 - y0) * (maxFalsePositiveRate - x0) / (x1 - x0);
            x1 = maxFalsePositiveRate;
        }
        area += (x1 - x0) * (y0 + y1) / 2.0;
    }
    return area / maxFalsePositiveRate;
}

ScoreHistogram scoreHistogram(const std::vector<float>& scores,
                              const std::vector<std::uint8_t>& positive, int bins, double low,
                              double high) {
    ScoreHistogram histogram{low, high, std::vector<std::int64_t>(static_cast<std::size_t>(bins)),
                             std::vector<std::int64_t>(static_cast<std::size_t>(bins))};
    const double width = high > low ? (high - low) / bins : 1.0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        const auto bin =
            std::clamp(static_cast<int>(std::floor((scores[i] - low) / width)), 0, bins - 1);
        ++(positive[i] != 0 ? histogram.defect : histogram.good)[static_cast<std::size_t>(bin)];
    }
    return histogram;
}

} // namespace kestrel::inspection
