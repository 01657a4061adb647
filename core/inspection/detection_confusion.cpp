#include "inspection/detection_confusion.h"

#include "common/error.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <string>
#include <utility>

namespace kestrel::inspection {

namespace {

std::size_t cell(int classes, int truthClass, int detectedClass) {
    return static_cast<std::size_t>(truthClass) * static_cast<std::size_t>(classes + 1) +
           static_cast<std::size_t>(detectedClass);
}

void addTo(DetectionConfusion& confusion, int truthClass, int detectedClass, std::int64_t image) {
    const std::size_t at = cell(confusion.classes, truthClass, detectedClass);
    ++confusion.counts[at];
    std::vector<std::int64_t>& images = confusion.images[at];
    const auto place = std::lower_bound(images.begin(), images.end(), image);
    if (place == images.end() || *place != image) {
        images.insert(place, image);
    }
}

template <typename Box>
void checkCategory(const Box& box, int classes, const char* what) {
    if (box.category < 0 || box.category >= classes) {
        throw Error(ErrorKind::InvalidArgument,
                    std::string(what) + " of image " + std::to_string(box.image) +
                        " has class index " + std::to_string(box.category) + ", outside the " +
                        std::to_string(classes) + " classes being counted.");
    }
}

} // namespace

std::int64_t DetectionConfusion::count(int truthClass, int detectedClass) const {
    return counts[cell(classes, truthClass, detectedClass)];
}

const std::vector<std::int64_t>& DetectionConfusion::imagesOf(int truthClass,
                                                              int detectedClass) const {
    return images[cell(classes, truthClass, detectedClass)];
}

std::int64_t DetectionConfusion::misses() const {
    std::int64_t total = 0;
    for (int row = 0; row < classes; ++row) {
        total += count(row, background());
    }
    return total;
}

std::int64_t DetectionConfusion::falseAlarms() const {
    std::int64_t total = 0;
    for (int column = 0; column < classes; ++column) {
        total += count(background(), column);
    }
    return total;
}

DetectionConfusion detectionConfusion(const std::vector<TruthBox>& truth,
                                      const std::vector<DetectedBox>& detections, int classes,
                                      const DetectionMatching& matching) {
    DetectionConfusion confusion;
    confusion.classes = classes;
    const auto cells =
        static_cast<std::size_t>(classes + 1) * static_cast<std::size_t>(classes + 1);
    confusion.counts.assign(cells, 0);
    confusion.images.assign(cells, {});

    std::map<std::int64_t, std::pair<std::vector<const TruthBox*>, std::vector<const DetectedBox*>>>
        byImage;
    for (const TruthBox& box : truth) {
        checkCategory(box, classes, "A drawn box");
        byImage[box.image].first.push_back(&box);
    }
    for (const DetectedBox& box : detections) {
        checkCategory(box, classes, "A detection");
        if (box.score >= matching.minScore) {
            byImage[box.image].second.push_back(&box);
        }
    }
    for (const auto& [image, boxes] : byImage) {
        const auto& [drawn, found] = boxes;
        struct Pair {
            double iou;
            std::size_t truth;
            std::size_t detection;
        };
        std::vector<Pair> pairs;
        std::vector<bool> inCrowd(found.size(), false);
        for (std::size_t d = 0; d < found.size(); ++d) {
            for (std::size_t t = 0; t < drawn.size(); ++t) {
                const double iou = cocoIou(found[d]->box, drawn[t]->box, drawn[t]->crowd);
                if (iou < matching.minIou) {
                    continue;
                }
                if (drawn[t]->crowd) {
                    inCrowd[d] = true;
                } else {
                    pairs.push_back({iou, t, d});
                }
            }
        }
        // Highest IoU first; ties in the order the boxes came, so the result is repeatable.
        std::stable_sort(pairs.begin(), pairs.end(),
                         [](const Pair& a, const Pair& b) { return a.iou > b.iou; });
        std::vector<bool> truthUsed(drawn.size(), false);
        std::vector<bool> detectionUsed(found.size(), false);
        for (const Pair& pair : pairs) {
            if (truthUsed[pair.truth] || detectionUsed[pair.detection]) {
                continue;
            }
            truthUsed[pair.truth] = true;
            detectionUsed[pair.detection] = true;
            addTo(confusion, drawn[pair.truth]->category, found[pair.detection]->category, image);
        }
        for (std::size_t t = 0; t < drawn.size(); ++t) {
            if (!truthUsed[t] && !drawn[t]->crowd) {
                addTo(confusion, drawn[t]->category, confusion.background(), image);
            }
        }
        for (std::size_t d = 0; d < found.size(); ++d) {
            if (!detectionUsed[d] && !inCrowd[d]) {
                addTo(confusion, confusion.background(), found[d]->category, image);
            }
        }
    }
    return confusion;
}

} // namespace kestrel::inspection
