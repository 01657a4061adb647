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
    return "top-1 agreed on " + std::to_string(top1Agreements) + " of " + std::to_string(samples) +
           " images; largest probability difference " + scientific(maxAbsDifference) +
           " (tolerance " + scientific(tolerance) + ")";
}

std::string VerificationReport::toJson() const {
    return nlohmann::json{{"format", format},
                          {"runtime", runtime},
                          {"samples", samples},
                          {"top1_agreements", top1Agreements},
                          {"max_abs_difference", maxAbsDifference},
                          {"mean_abs_difference", meanAbsDifference},
                          {"tolerance", tolerance},
                          {"passed", passed()}}
        .dump();
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

} // namespace kestrel::exporting
