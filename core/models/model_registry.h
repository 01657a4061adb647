#pragma once

#include "models/architectures.h"
#include "models/classifier.h"

#include <string>
#include <vector>

namespace kestrel::models {

// A new model with freshly initialised weights (seeded by torch::manual_seed).
// Throws kestrel::Error (InvalidArgument) for an unknown name, or a class or channel count
// out of range.
ClassifierPtr createClassifier(const ClassifierSpec& spec);

// A new segmentation model (segmentationArchitectures()): forward() gives logits
// N x classes x H x W at the input's size. Throws as createClassifier does.
ClassifierPtr createSegmenter(const ClassifierSpec& spec);

// A new detector (detectionArchitectures()): forward() gives its raw outputs N x (classes +
// 5) x cells (FcosDetector). One class is enough: background is not a class. Throws as
// createClassifier does.
ClassifierPtr createDetector(const ClassifierSpec& spec);

} // namespace kestrel::models
