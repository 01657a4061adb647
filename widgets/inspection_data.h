#pragma once

#include "inspection/operating_point.h"

#include <vector>

#include <QString>

namespace kestrel::widgets {

// What the operating point panel works from: a run's P(not good) for each validation and test
// image, the good class, and the target the run keeps now. Plain values, no run or model.
struct InspectionData {
    QString goodClass; // empty: the run has no good class
    std::vector<inspection::InspectionScore> validation;
    std::vector<inspection::InspectionScore> test;
    double target = inspection::kDefaultTargetDefectRecall;

    bool isEmpty() const { return goodClass.isEmpty() || validation.empty(); }
};

} // namespace kestrel::widgets
