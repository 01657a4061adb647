#pragma once

#include "models/classifier.h"

#include <string>
#include <vector>

namespace kestrel::models {

// What the trainer needs to know about an architecture before building it.
struct ArchitectureInfo {
    std::string name;
    std::string description;
    int defaultImageSize = 224; // the size it was designed for
    int minImageSize = 32;      // smaller inputs shrink to nothing inside it
};

struct ClassifierSpec {
    std::string architecture;
    int classes = 2;
    int inputChannels = 3; // 1 (gray) or 3 (RGB)
};

// All architectures, in the order the command line lists them.
const std::vector<ArchitectureInfo>& architectures();

// Throws kestrel::Error (InvalidArgument) naming an unknown architecture and the known ones.
const ArchitectureInfo& architecture(const std::string& name);

// A new model with freshly initialised weights (seeded by torch::manual_seed).
// Throws kestrel::Error (InvalidArgument) for an unknown name, or a class or channel count
// out of range.
ClassifierPtr createClassifier(const ClassifierSpec& spec);

} // namespace kestrel::models
