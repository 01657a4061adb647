#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kestrel::inspection {

// A line asks how many defects escape and how many good parts are rejected, not for accuracy.
// A part is NG (rejected) when the model's P(not good) = 1 - P(good) reaches a threshold; the
// threshold is chosen on validation images to catch a target share of the defects.

// One scored image: its P(not good) and whether its label is a defect (not the good class).
struct InspectionScore {
    double notGood = 0;
    bool defect = false;
};

// What a threshold does on a set of scored images.
struct InspectionRates {
    std::int64_t defects = 0;
    std::int64_t goods = 0;
    std::int64_t escapes = 0;      // defects passed as OK
    std::int64_t falseRejects = 0; // good parts called NG
    double escapeRate() const { return defects ? static_cast<double>(escapes) / defects : 0; }
    double falseRejectRate() const { return goods ? static_cast<double>(falseRejects) / goods : 0; }
};

struct OperatingPoint {
    double targetDefectRecall = 0;
    double threshold = 0;  // NG when P(not good) >= threshold
    InspectionRates rates; // on the images it was chosen on
};

// The default target: the defect recall inspection engineers quote.
inline constexpr double kDefaultTargetDefectRecall = 0.995;

InspectionRates ratesAt(const std::vector<InspectionScore>& scores, double threshold);

// A threshold that catches at least `targetDefectRecall` (in (0, 1]) of the defects among
// `scores` with as few false rejects as that target allows: of the thresholds that do, the
// middle of the gap below the lowest defect it must catch. Empty when `scores` has no defect
// or no good image to choose from.
std::optional<OperatingPoint> chooseOperatingPoint(const std::vector<InspectionScore>& scores,
                                                   double targetDefectRecall);

// The index of the good class in `classes`: `requested` when given (case-insensitive; throws
// kestrel::Error naming it and the classes when there is no such class), else the first class
// named good, ok, okay, pass or normal. Empty when none is given or found.
std::optional<std::size_t> findGoodClass(const std::vector<std::string>& classes,
                                         const std::string& requested = {});

// Throws kestrel::Error naming the value unless 0 < target <= 1.
void checkTargetDefectRecall(double target);

} // namespace kestrel::inspection
