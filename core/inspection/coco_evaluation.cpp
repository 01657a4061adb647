#include "inspection/coco_evaluation.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <map>
#include <numeric>

namespace kestrel::inspection {

namespace {

constexpr int T = kCocoIouThresholds;
constexpr int R = kCocoRecallThresholds;

// numpy.linspace(start, stop, count): i * ((stop - start) / (count - 1)) + start, the last
// value set to `stop` exactly.
template <std::size_t Count>
std::array<double, Count> linspace(double start, double stop) {
    std::array<double, Count> values{};
    const double step = (stop - start) / static_cast<double>(Count - 1);
    for (std::size_t i = 0; i < Count; ++i) {
        values[i] = static_cast<double>(i) * step + start;
    }
    values[Count - 1] = stop;
    return values;
}

// COCOeval.evaluateImg's result for one image and category: its detections in score order
// (the best `maxDetections`), whether each matched a box at each IoU threshold, and whether
// that box is one that does not count (a crowd).
struct ImageResult {
    std::vector<double> scores;
    std::vector<std::array<bool, T>> matched; // [detection][threshold]
    std::vector<std::array<bool, T>> ignored; // [detection][threshold]
    std::int64_t truthCounted = 0;
};

ImageResult evaluateImage(std::vector<const TruthBox*> truth,
                          std::vector<const DetectedBox*> detections, int maxDetections) {
    // Boxes that count first; detections by score, best first; both stable, as numpy's
    // mergesort is.
    std::stable_sort(truth.begin(), truth.end(),
                     [](const TruthBox* a, const TruthBox* b) { return !a->crowd && b->crowd; });
    std::stable_sort(
        detections.begin(), detections.end(),
        [](const DetectedBox* a, const DetectedBox* b) { return a->score > b->score; });
    if (detections.size() > static_cast<std::size_t>(maxDetections)) {
        detections.resize(static_cast<std::size_t>(maxDetections));
    }
    const std::size_t G = truth.size();
    const std::size_t D = detections.size();

    ImageResult result;
    result.truthCounted =
        std::count_if(truth.begin(), truth.end(), [](const TruthBox* box) { return !box->crowd; });
    result.scores.reserve(D);
    for (const DetectedBox* detection : detections) {
        result.scores.push_back(detection->score);
    }
    result.matched.assign(D, {});
    result.ignored.assign(D, {});
    if (G == 0 || D == 0) {
        return result;
    }
    std::vector<double> ious(D * G);
    for (std::size_t d = 0; d < D; ++d) {
        for (std::size_t g = 0; g < G; ++g) {
            ious[d * G + g] = cocoIou(detections[d]->box, truth[g]->box, truth[g]->crowd);
        }
    }
    const auto& thresholds = cocoIouThresholds();
    for (int t = 0; t < T; ++t) {
        std::vector<bool> taken(G, false);
        for (std::size_t d = 0; d < D; ++d) {
            double best = std::min(thresholds[static_cast<std::size_t>(t)], 1.0 - 1e-10);
            std::ptrdiff_t match = -1;
            for (std::size_t g = 0; g < G; ++g) {
                // A box already matched takes no other detection, unless it is a crowd.
                if (taken[g] && !truth[g]->crowd) {
                    continue;
                }
                // Matched to a box that counts, a detection does not move to a crowd.
                if (match > -1 && !truth[static_cast<std::size_t>(match)]->crowd &&
                    truth[g]->crowd) {
                    break;
                }
                if (ious[d * G + g] < best) {
                    continue;
                }
                best = ious[d * G + g];
                match = static_cast<std::ptrdiff_t>(g);
            }
            if (match == -1) {
                continue;
            }
            const auto m = static_cast<std::size_t>(match);
            result.ignored[d][static_cast<std::size_t>(t)] = truth[m]->crowd;
            result.matched[d][static_cast<std::size_t>(t)] = true;
            taken[m] = true;
        }
    }
    return result;
}

// COCOeval.accumulate for one category: the interpolated precision at each recall threshold
// and each IoU threshold, and the recall reached at each.
struct CategoryCurves {
    std::vector<std::array<double, R>> precision; // [threshold][recall point]
    std::array<double, T> recall{};
};

CategoryCurves accumulate(const std::vector<ImageResult>& images, std::int64_t truthCounted) {
    struct Entry {
        double score;
        const ImageResult* image;
        std::size_t index;
    };
    std::vector<Entry> entries;
    for (const ImageResult& image : images) {
        for (std::size_t i = 0; i < image.scores.size(); ++i) {
            entries.push_back({image.scores[i], &image, i});
        }
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.score > b.score; });

    CategoryCurves curves;
    curves.precision.assign(T, {});
    const auto& recallThresholds = cocoRecallThresholds();
    const std::size_t n = entries.size();
    std::vector<double> recall(n);
    std::vector<double> precision(n);
    for (std::size_t t = 0; t < static_cast<std::size_t>(T); ++t) {
        double truePositives = 0.0;
        double falsePositives = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const bool matched = entries[i].image->matched[entries[i].index][t];
            const bool ignored = entries[i].image->ignored[entries[i].index][t];
            truePositives += matched && !ignored ? 1.0 : 0.0;
            falsePositives += !matched && !ignored ? 1.0 : 0.0;
            recall[i] = truePositives / static_cast<double>(truthCounted);
            // np.spacing(1): keeps 0 / 0 at 0 where only ignored detections came so far.
            precision[i] = truePositives / (falsePositives + truePositives + DBL_EPSILON);
        }
        curves.recall[t] = n > 0 ? recall[n - 1] : 0.0;
        for (std::size_t i = n; i-- > 1;) {
            precision[i - 1] = std::max(precision[i - 1], precision[i]);
        }
        // For each recall threshold the first detection reaching it (numpy.searchsorted,
        // side "left"); past the last recall reached the precision stays 0.
        std::size_t at = 0;
        for (std::size_t r = 0; r < static_cast<std::size_t>(R); ++r) {
            while (at < n && recall[at] < recallThresholds[r]) {
                ++at;
            }
            if (at == n) {
                break;
            }
            curves.precision[t][r] = precision[at];
        }
    }
    return curves;
}

double mean(const std::array<double, R>& values) {
    return std::accumulate(values.begin(), values.end(), 0.0) / R;
}

} // namespace

double cocoIou(const CocoBox& detection, const CocoBox& truth, bool crowd) {
    const double width = std::fmin(detection.width + detection.x, truth.width + truth.x) -
                         std::fmax(detection.x, truth.x);
    if (width <= 0.0) {
        return 0.0;
    }
    const double height = std::fmin(detection.height + detection.y, truth.height + truth.y) -
                          std::fmax(detection.y, truth.y);
    if (height <= 0.0) {
        return 0.0;
    }
    const double intersection = width * height;
    const double detectionArea = detection.width * detection.height;
    const double truthArea = truth.width * truth.height;
    const double united = crowd ? detectionArea : detectionArea + truthArea - intersection;
    return intersection / united;
}

const std::array<double, kCocoIouThresholds>& cocoIouThresholds() {
    static const auto thresholds = linspace<kCocoIouThresholds>(0.5, 0.95);
    return thresholds;
}

const std::array<double, kCocoRecallThresholds>& cocoRecallThresholds() {
    static const auto thresholds = linspace<kCocoRecallThresholds>(0.0, 1.0);
    return thresholds;
}

CocoEvaluation evaluateCoco(const std::vector<TruthBox>& truth,
                            const std::vector<DetectedBox>& detections,
                            const std::vector<int>& categories, int maxDetections) {
    // Per category, per image in increasing id: the boxes in the order given.
    using PerImage =
        std::map<std::int64_t,
                 std::pair<std::vector<const TruthBox*>, std::vector<const DetectedBox*>>>;
    std::map<int, PerImage> byCategory;
    for (const TruthBox& box : truth) {
        byCategory[box.category][box.image].first.push_back(&box);
    }
    for (const DetectedBox& box : detections) {
        byCategory[box.category][box.image].second.push_back(&box);
    }

    CocoEvaluation evaluation;
    double sum = 0.0;
    double sum50 = 0.0;
    double sum75 = 0.0;
    int counted = 0;
    for (const int category : categories) {
        CocoCategoryResult result;
        result.category = category;
        std::vector<ImageResult> images;
        for (const auto& [image, boxes] : byCategory[category]) {
            images.push_back(evaluateImage(boxes.first, boxes.second, std::max(0, maxDetections)));
            result.truthCount += images.back().truthCounted;
        }
        if (result.truthCount > 0) {
            const CategoryCurves curves = accumulate(images, result.truthCount);
            double all = 0.0;
            for (const auto& atThreshold : curves.precision) {
                all += mean(atThreshold);
            }
            result.ap = all / T;
            result.ap50 = mean(curves.precision[0]);
            result.ap75 = mean(curves.precision[5]);
            result.precision = curves.precision;
            result.recall50 = curves.recall[0];
            sum += *result.ap;
            sum50 += *result.ap50;
            sum75 += *result.ap75;
            ++counted;
        }
        evaluation.categories.push_back(std::move(result));
    }
    if (counted > 0) {
        evaluation.map = sum / counted;
        evaluation.map50 = sum50 / counted;
        evaluation.map75 = sum75 / counted;
    }
    return evaluation;
}

} // namespace kestrel::inspection
