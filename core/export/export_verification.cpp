#include "export/export_verification.h"

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

} // namespace kestrel::exporting
