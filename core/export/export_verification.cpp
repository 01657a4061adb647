#include "export/export_verification.h"

#include "inspection/fcos_decoding.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace kestrel::exporting {

namespace {

std::string scientific(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1e", value);
    return text;
}

} // namespace

std::string VerificationReport::summary() const {
    if (anomaly) {
        return "verdict agreed on " + std::to_string(top1Agreements) + " of " +
               std::to_string(samples) + " images; largest score difference " +
               scientific(maxAbsDifference) + " (tolerance " + scientific(scoreTolerance) +
               ") and map difference " + scientific(maxMapDifference) + " (tolerance " +
               scientific(tolerance) + ") of the threshold";
    }
    if (boxes) {
        return "every box found again on " + std::to_string(top1Agreements) + " of " +
               std::to_string(samples) + " images (" + std::to_string(boxCount) + " boxes" +
               (firstDifference.empty() ? "" : "; " + firstDifference) +
               (nearTies > 0 ? "; " + std::to_string(nearTies) + " near ties left out" : "") +
               "); lowest IoU " + std::to_string(worstBoxIou).substr(0, 6) + " (at least " +
               std::to_string(minBoxIou).substr(0, 4) + "), largest score difference " +
               scientific(maxAbsDifference) + " (tolerance " + scientific(tolerance) + ")";
    }
    if (perPixel) {
        return "every pixel's class agreed on " + std::to_string(top1Agreements) + " of " +
               std::to_string(samples) + " images" +
               (firstDifference.empty()
                    ? ""
                    : " (" + firstDifference +
                          (samples - top1Agreements > 1
                               ? "; " + std::to_string(differingPixels) + " in all"
                               : "") +
                          ")") +
               (nearTies > 0 ? "; " + std::to_string(nearTies) + " near ties left out" : "") +
               "; largest probability difference " + scientific(maxAbsDifference) + " (tolerance " +
               scientific(tolerance) + ")";
    }
    return "top-1 agreed on " + std::to_string(top1Agreements) + " of " + std::to_string(samples) +
           " images; largest probability difference " + scientific(maxAbsDifference) +
           " (tolerance " + scientific(tolerance) + ")";
}

std::string VerificationReport::toJson() const {
    nlohmann::json json{{"format", format},
                        {"runtime", runtime},
                        {"samples", samples},
                        {"top1_agreements", top1Agreements},
                        {"max_abs_difference", maxAbsDifference},
                        {"mean_abs_difference", meanAbsDifference},
                        {"tolerance", tolerance},
                        {"passed", passed()}};
    if (anomaly) {
        json["kind"] = "anomaly";
        json["verdict_agreements"] = top1Agreements;
        json["max_map_difference"] = maxMapDifference;
        json["score_tolerance"] = scoreTolerance;
        json["differences"] = "raw, as a share of the raw threshold";
    }
    if (boxes) {
        json["kind"] = "boxes";
        json["boxes"] = boxCount;
        json["worst_box_iou"] = worstBoxIou;
        json["near_ties"] = nearTies;
        json["min_box_iou"] = minBoxIou;
        json["first_difference"] = firstDifference;
    }
    if (perPixel) {
        json["kind"] = "per_pixel";
        json["pixels_per_image"] = pixelsPerImage;
        json["differing_pixels"] = differingPixels;
        json["near_ties"] = nearTies;
        json["first_difference"] = firstDifference;
    }
    return json.dump();
}

namespace {

// The largest |a - b| (NaN counts as infinite) and the sum of the others.
std::pair<double, double> differences(const std::vector<float>& a, const std::vector<float>& b) {
    double largest = 0;
    double total = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double difference = std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i]));
        largest = std::isnan(difference) ? INFINITY : std::max(largest, difference);
        total += std::isnan(difference) ? 0.0 : difference;
    }
    return {largest, total};
}

} // namespace

VerificationReport compareAnomalyOutputs(const std::vector<float>& referenceScores,
                                         const std::vector<float>& exportedScores,
                                         const std::vector<float>& referenceMaps,
                                         const std::vector<float>& exportedMaps, int count,
                                         double mapTolerance, double scoreTolerance,
                                         double scoreScale, double mapScale) {
    VerificationReport report;
    report.anomaly = true;
    report.tolerance = mapTolerance;
    report.scoreTolerance = scoreTolerance;
    report.samples = std::max(count, 0);
    if (count <= 0 || referenceScores.size() != static_cast<std::size_t>(count) ||
        exportedScores.size() != referenceScores.size() ||
        exportedMaps.size() != referenceMaps.size() || referenceMaps.empty()) {
        report.maxAbsDifference = INFINITY; // a wrong shape agrees on nothing
        return report;
    }
    for (int i = 0; i < count; ++i) {
        const float reference = referenceScores[static_cast<std::size_t>(i)];
        const float exported = exportedScores[static_cast<std::size_t>(i)];
        const bool borderline = std::abs(reference - 0.5) * scoreScale <= scoreTolerance;
        if (borderline || (reference >= 0.5F) == (exported >= 0.5F)) {
            ++report.top1Agreements;
        }
    }
    const auto [largest, total] = differences(referenceScores, exportedScores);
    report.maxAbsDifference = largest * scoreScale;
    report.meanAbsDifference = total / count * scoreScale;
    report.maxMapDifference = differences(referenceMaps, exportedMaps).first * mapScale;
    return report;
}

VerificationReport compareProbabilities(const std::vector<float>& reference,
                                        const std::vector<float>& exported, int count, int classes,
                                        double tolerance) {
    VerificationReport report;
    report.tolerance = tolerance;
    const auto expected = static_cast<std::size_t>(count) * static_cast<std::size_t>(classes);
    if (count <= 0 || reference.size() != expected || exported.size() != expected) {
        report.maxAbsDifference = INFINITY; // a wrong shape agrees on nothing
        report.samples = std::max(count, 0);
        return report;
    }
    report.samples = count;
    double total = 0;
    for (int row = 0; row < count; ++row) {
        const auto begin = static_cast<std::ptrdiff_t>(row) * classes;
        const auto ref = reference.begin() + begin;
        const auto got = exported.begin() + begin;
        if (std::max_element(ref, ref + classes) - ref ==
            std::max_element(got, got + classes) - got) {
            ++report.top1Agreements;
        }
        for (int c = 0; c < classes; ++c) {
            const double difference =
                std::abs(static_cast<double>(ref[c]) - static_cast<double>(got[c]));
            // NaN compares false everywhere; count it as the worst difference.
            report.maxAbsDifference =
                std::isnan(difference) ? INFINITY : std::max(report.maxAbsDifference, difference);
            total += std::isnan(difference) ? 0.0 : difference;
        }
    }
    report.meanAbsDifference = total / static_cast<double>(expected);
    return report;
}

VerificationReport comparePixelProbabilities(const std::vector<float>& reference,
                                             const std::vector<float>& exported, int count,
                                             int classes, int height, int width, double tolerance,
                                             const std::vector<std::string>& imageNames) {
    VerificationReport report;
    report.perPixel = true;
    report.tolerance = tolerance;
    report.samples = std::max(count, 0);
    const auto pixels = static_cast<std::size_t>(std::max(height, 0)) *
                        static_cast<std::size_t>(std::max(width, 0));
    report.pixelsPerImage = static_cast<std::int64_t>(pixels);
    const auto k = static_cast<std::size_t>(std::max(classes, 0));
    const auto expected = static_cast<std::size_t>(report.samples) * k * pixels;
    if (count <= 0 || expected == 0 || reference.size() != expected ||
        exported.size() != expected) {
        report.maxAbsDifference = INFINITY; // a wrong shape agrees on nothing
        return report;
    }
    for (std::size_t image = 0; image < static_cast<std::size_t>(count); ++image) {
        const float* ref = reference.data() + image * k * pixels;
        const float* got = exported.data() + image * k * pixels;
        std::int64_t differing = 0;
        for (std::size_t pixel = 0; pixel < pixels; ++pixel) {
            // Each class's probability is `pixels` floats after the previous one's (NCHW).
            std::size_t refTop = 0;
            std::size_t gotTop = 0;
            float refSecond = -INFINITY;
            for (std::size_t c = 1; c < k; ++c) {
                const float value = ref[c * pixels + pixel];
                if (value > ref[refTop * pixels + pixel]) {
                    refSecond = ref[refTop * pixels + pixel];
                    refTop = c;
                } else {
                    refSecond = std::max(refSecond, value);
                }
                gotTop = got[c * pixels + pixel] > got[gotTop * pixels + pixel] ? c : gotTop;
            }
            if (refTop != gotTop) {
                const bool nearTie = ref[refTop * pixels + pixel] - refSecond <= tolerance;
                ++(nearTie ? report.nearTies : differing);
            }
        }
        if (differing == 0) {
            ++report.top1Agreements;
        } else if (report.firstDifference.empty()) {
            report.firstDifference =
                (image < imageNames.size() ? imageNames[image]
                                           : "image " + std::to_string(image + 1)) +
                ": " + std::to_string(differing) + " of " + std::to_string(pixels) +
                " pixels differ";
        }
        report.differingPixels += differing;
    }
    const auto [largest, total] = differences(reference, exported);
    report.maxAbsDifference = largest;
    report.meanAbsDifference = total / static_cast<double>(expected);
    return report;
}

// Pixels by which two boxes' sides may differ and still be the same box, whatever their IoU.
constexpr double kSideSlack = 0.01;

VerificationReport compareDetections(const std::vector<float>& reference,
                                     const std::vector<float>& exported, int count, int classes,
                                     const std::vector<int>& strides, int width, int height,
                                     const inspection::DetectionDecoding& decoding,
                                     double tolerance, const std::vector<std::string>& imageNames) {
    VerificationReport report;
    report.boxes = true;
    report.samples = count;
    report.tolerance = tolerance;
    if (reference.size() != exported.size() || count <= 0) {
        report.maxAbsDifference = INFINITY; // a wrong shape agrees on nothing
        return report;
    }
    const auto levels = inspection::featureLevels(width, height, strides);
    const std::size_t perImage = reference.size() / static_cast<std::size_t>(count);
    double differenceSum = 0.0;
    for (int image = 0; image < count; ++image) {
        const std::size_t offset = static_cast<std::size_t>(image) * perImage;
        const auto expected = inspection::decodeFcos(reference.data() + offset, classes, levels,
                                                     width, height, decoding);
        const auto found = inspection::decodeFcos(exported.data() + offset, classes, levels, width,
                                                  height, decoding);
        bool allFound = true;
        for (std::size_t b = 0; b < expected.size(); ++b) {
            const inspection::Detection& box = expected[b];
            ++report.boxCount;
            // The same class and place (IoU at least minBoxIou, or, for a box too thin for its
            // IoU to mean anything, every side within kSideSlack), the closest score: clipped
            // boxes of several cells can be the same box. Else the highest IoU, to report.
            double bestIou = -1.0;
            double closest = INFINITY;
            const inspection::Detection* match = nullptr;
            for (const auto& candidate : found) {
                if (candidate.category != box.category) {
                    continue;
                }
                const bool sidesAgree = std::abs(candidate.x0 - box.x0) <= kSideSlack &&
                                        std::abs(candidate.y0 - box.y0) <= kSideSlack &&
                                        std::abs(candidate.x1 - box.x1) <= kSideSlack &&
                                        std::abs(candidate.y1 - box.y1) <= kSideSlack;
                const double iou = sidesAgree ? 1.0 : inspection::boxIou(box, candidate);
                const double difference = std::abs(candidate.score - box.score);
                const bool samePlace = iou >= report.minBoxIou;
                const bool better = samePlace ? (bestIou < report.minBoxIou || difference < closest)
                                              : bestIou < report.minBoxIou && iou > bestIou;
                if (better) {
                    bestIou = iou;
                    closest = difference;
                    match = &candidate;
                }
            }
            const bool full = found.size() >= static_cast<std::size_t>(decoding.maxDetections);
            const bool nearTie =
                box.score < decoding.scoreThreshold + tolerance ||
                (full && !found.empty() && box.score <= found.back().score + tolerance) ||
                std::any_of(found.begin(), found.end(), [&](const inspection::Detection& other) {
                    return other.category == box.category &&
                           std::abs(other.score - box.score) <= tolerance &&
                           inspection::boxIou(other, box) > decoding.nmsIou;
                });
            if (match && bestIou >= report.minBoxIou &&
                std::abs(match->score - box.score) <= tolerance) {
                const double difference = std::abs(match->score - box.score);
                report.maxAbsDifference = std::max(report.maxAbsDifference, difference);
                differenceSum += difference;
                report.worstBoxIou = std::min(report.worstBoxIou, bestIou);
                continue;
            }
            if (nearTie) {
                ++report.nearTies;
                continue;
            }
            if (allFound && report.firstDifference.empty()) {
                const std::string name = static_cast<std::size_t>(image) < imageNames.size()
                                             ? imageNames[static_cast<std::size_t>(image)]
                                             : "image " + std::to_string(image + 1);
                report.firstDifference =
                    name + ": box " + std::to_string(b + 1) + " (class " +
                    std::to_string(box.category) + ", score " +
                    std::to_string(box.score).substr(0, 6) + ") " +
                    (match ? "found at IoU " + std::to_string(bestIou).substr(0, 6) + ", score " +
                                 std::to_string(match->score).substr(0, 6)
                           : "not found");
            }
            allFound = false;
            if (match) {
                report.worstBoxIou = std::min(report.worstBoxIou, bestIou);
                report.maxAbsDifference =
                    std::max(report.maxAbsDifference, std::abs(match->score - box.score));
            }
        }
        report.top1Agreements += allFound ? 1 : 0;
    }
    report.meanAbsDifference =
        report.boxCount > 0 ? differenceSum / static_cast<double>(report.boxCount) : 0.0;
    return report;
}

} // namespace kestrel::exporting
