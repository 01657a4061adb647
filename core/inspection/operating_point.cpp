#include "inspection/operating_point.h"

#include "common/error.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>

namespace kestrel::inspection {

namespace {

std::string lowered(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

} // namespace

InspectionRates ratesAt(const std::vector<InspectionScore>& scores, double threshold) {
    InspectionRates rates;
    for (const InspectionScore& score : scores) {
        const bool rejected = score.notGood >= threshold;
        if (score.defect) {
            ++rates.defects;
            rates.escapes += rejected ? 0 : 1;
        } else {
            ++rates.goods;
            rates.falseRejects += rejected ? 1 : 0;
        }
    }
    return rates;
}

std::optional<OperatingPoint> chooseOperatingPoint(const std::vector<InspectionScore>& scores,
                                                   double targetDefectRecall) {
    checkTargetDefectRecall(targetDefectRecall);
    std::vector<double> defectScores;
    for (const InspectionScore& score : scores) {
        if (score.defect) {
            defectScores.push_back(score.notGood);
        }
    }
    if (defectScores.empty() || defectScores.size() == scores.size()) {
        return std::nullopt;
    }
    // Catching k defects needs a threshold at or below the k-th highest defect score. The
    // small tolerance keeps 0.995 * 200 from rounding up to 200 defects.
    const auto needed = static_cast<std::size_t>(
        std::ceil(targetDefectRecall * static_cast<double>(defectScores.size()) - 1e-9));
    const std::size_t caught = std::clamp<std::size_t>(needed, 1, defectScores.size());
    std::nth_element(defectScores.begin(),
                     defectScores.begin() + static_cast<std::ptrdiff_t>(caught - 1),
                     defectScores.end(), std::greater<>());
    // Every threshold above the next lower score (of any image) up to that defect's score
    // gives the same validation rates; the middle of that gap leaves the most room on both
    // sides for images the validation set did not have. With the lowest caught defect as the
    // threshold, the demo's test defects escaped where validation promised none.
    const double lowestCaught = defectScores[caught - 1];
    double below = 0;
    for (const InspectionScore& score : scores) {
        if (score.notGood < lowestCaught) {
            below = std::max(below, score.notGood);
        }
    }
    OperatingPoint point;
    point.targetDefectRecall = targetDefectRecall;
    point.threshold = (lowestCaught + below) / 2;
    point.rates = ratesAt(scores, point.threshold);
    return point;
}

std::optional<std::size_t> findGoodClass(const std::vector<std::string>& classes,
                                         const std::string& requested) {
    const auto indexOf = [&](const std::string& name) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < classes.size(); ++i) {
            if (lowered(classes[i]) == lowered(name)) {
                return i;
            }
        }
        return std::nullopt;
    };
    if (!requested.empty()) {
        if (const auto index = indexOf(requested)) {
            return index;
        }
        std::string names;
        for (const std::string& name : classes) {
            names += (names.empty() ? "" : ", ") + name;
        }
        throw Error(ErrorKind::InvalidArgument, "The good class \"" + requested +
                                                    "\" is not one of the project's classes (" +
                                                    names + ").");
    }
    for (const char* name : {"good", "ok", "okay", "pass", "normal"}) {
        if (const auto index = indexOf(name)) {
            return index;
        }
    }
    return std::nullopt;
}

void checkTargetDefectRecall(double target) {
    if (!(target > 0.0 && target <= 1.0)) {
        throw Error(ErrorKind::InvalidArgument,
                    "The target defect recall " + std::to_string(target) +
                        " is outside (0, 1]; give a fraction such as 0.995.");
    }
}

} // namespace kestrel::inspection
