#pragma once

#include "runs/training_data.h"

namespace kestrel::runs {

// What a detection run trains on: every readable sample in a split with at least one shape of
// a defect class (each shape's box: a box as drawn, a polygon's or mask's bounds), and every
// one without any shape whose label is the good class or none (no boxes: a part without
// defects). Classes are the project's classes in order, less the good class
// (inspection::findGoodClass); background is not a class. A sample labelled with a defect
// class but without shapes is not used (`skipped` counts it): where its defect lies is not
// known. Labels are the truth's verdict, 0 OK and 1 NG, which the held-out validation split
// stratifies by.
ProjectTrainingData loadDetectionData(Project& project, std::uint64_t seed,
                                      SampleIdentity identity = SampleIdentity::StoredPath,
                                      double holdoutFraction = 0.1);

} // namespace kestrel::runs
