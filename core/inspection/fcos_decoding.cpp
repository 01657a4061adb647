#include "inspection/fcos_decoding.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>

namespace kestrel::inspection {

namespace {

double sigmoid(double x) {
    return 1.0 / (1.0 + std::exp(-x));
}

} // namespace

std::vector<FeatureLevel> featureLevels(int width, int height, const std::vector<int>& strides) {
    std::vector<FeatureLevel> levels;
    for (const int stride : strides) {
        levels.push_back({stride, (height + stride - 1) / stride, (width + stride - 1) / stride});
    }
    return levels;
}

std::size_t cellCount(const std::vector<FeatureLevel>& levels) {
    std::size_t cells = 0;
    for (const FeatureLevel& level : levels) {
        cells += static_cast<std::size_t>(level.rows) * static_cast<std::size_t>(level.columns);
    }
    return cells;
}

double boxIou(const Detection& a, const Detection& b) {
    const double width = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
    const double height = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
    if (width <= 0 || height <= 0) {
        return 0.0;
    }
    const double overlap = width * height;
    const double united = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - overlap;
    return united > 0 ? overlap / united : 0.0;
}

std::vector<Detection> decodeFcos(const float* raw, int classes,
                                  const std::vector<FeatureLevel>& levels, int width, int height,
                                  const DetectionDecoding& decoding) {
    const std::size_t cells = cellCount(levels);
    const auto channel = [&](int c) {
        return raw + static_cast<std::size_t>(c) * cells;
    };
    const float* distances[4] = {channel(classes), channel(classes + 1), channel(classes + 2),
                                 channel(classes + 3)};
    const float* centreness = channel(classes + 4);

    std::vector<Detection> candidates;
    std::size_t first = 0; // the level's first cell
    for (const FeatureLevel& level : levels) {
        const std::size_t count =
            static_cast<std::size_t>(level.rows) * static_cast<std::size_t>(level.columns);
        std::vector<Detection> found;
        for (std::size_t cell = first; cell < first + count; ++cell) {
            const double sureness = sigmoid(centreness[cell]);
            for (int c = 0; c < classes; ++c) {
                const double score = std::sqrt(sigmoid(channel(c)[cell]) * sureness);
                if (score > decoding.scoreThreshold) {
                    Detection detection;
                    detection.category = c;
                    detection.score = score;
                    const std::size_t local = cell - first;
                    const double x =
                        (static_cast<double>(local % level.columns) + 0.5) * level.stride;
                    const double y =
                        (static_cast<double>(local / level.columns) + 0.5) * level.stride;
                    detection.x0 = std::clamp(x - distances[0][cell] * level.stride, 0.0,
                                              static_cast<double>(width));
                    detection.y0 = std::clamp(y - distances[1][cell] * level.stride, 0.0,
                                              static_cast<double>(height));
                    detection.x1 = std::clamp(x + distances[2][cell] * level.stride, 0.0,
                                              static_cast<double>(width));
                    detection.y1 = std::clamp(y + distances[3][cell] * level.stride, 0.0,
                                              static_cast<double>(height));
                    found.push_back(detection);
                }
            }
        }
        const auto byScore = [](const Detection& a, const Detection& b) {
            return a.score > b.score;
        };
        const auto keep = std::min(
            found.size(), static_cast<std::size_t>(std::max(0, decoding.candidatesPerLevel)));
        std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(keep),
                          found.end(), byScore);
        candidates.insert(candidates.end(), found.begin(),
                          found.begin() + static_cast<std::ptrdiff_t>(keep));
        first += count;
    }

    // Greedy non-maximum suppression within each class, best first.
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Detection& a, const Detection& b) { return a.score > b.score; });
    std::vector<Detection> kept;
    for (const Detection& candidate : candidates) {
        if (kept.size() >= static_cast<std::size_t>(std::max(0, decoding.maxDetections))) {
            break;
        }
        const bool suppressed = std::any_of(kept.begin(), kept.end(), [&](const Detection& better) {
            return better.category == candidate.category &&
                   boxIou(better, candidate) > decoding.nmsIou;
        });
        if (!suppressed) {
            kept.push_back(candidate);
        }
    }
    return kept;
}

} // namespace kestrel::inspection
