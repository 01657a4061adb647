#pragma once

#include "runs/training_data.h"

namespace kestrel::runs {

// The background's name: class 0 of every segmentation run.
inline constexpr const char* kBackgroundClass = "background";

// What a segmentation run trains on: every readable sample in a split with at least one
// polygon or mask of a defect class (its per-pixel target), and every one without any shape
// whose label is the good class or none (an all-background target: a part without defects).
// Classes are "background" then the project's classes in order, less the good class
// (inspection::findGoodClass). A sample labelled with a defect class but with no region, or
// with boxes only, is not used (`skipped` counts it): its pixels are not known. Labels are
// the truth's verdict, 0 OK and 1 NG, which the held-out validation split stratifies by.
ProjectTrainingData loadSegmentationData(Project& project, std::uint64_t seed,
                                         SampleIdentity identity = SampleIdentity::StoredPath,
                                         double holdoutFraction = 0.1);

} // namespace kestrel::runs
