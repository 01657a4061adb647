#pragma once

// The architectures by name and size, without LibTorch, for code that only chooses one
// (defaults, choices, validation); model_registry.h builds them.

#include <string>
#include <vector>

namespace kestrel::models {

// What the trainer needs to know about an architecture before building it.
struct ArchitectureInfo {
    std::string name;
    std::string description;
    int defaultImageSize = 224; // the size it was designed for
    int minImageSize = 32;      // smaller inputs shrink to nothing inside it
    // Input heights and widths must be multiples of this (a U-Net's poolings must halve
    // evenly for its skips to line up with the upsampled maps).
    int sizeMultiple = 1;
};

// What to build: an architecture for a class count and input colour.
struct ClassifierSpec {
    std::string architecture;
    int classes = 2;
    int inputChannels = 3;       // 1 (gray) or 3 (RGB)
    bool averageMirrors = false; // Classifier::setAverageMirrors
};

// All classification architectures, in the order the command line lists them.
const std::vector<ArchitectureInfo>& architectures();

// The segmentation architectures (per-pixel logits at the input's size).
const std::vector<ArchitectureInfo>& segmentationArchitectures();

// The detection architectures (FCOS over a feature pyramid).
const std::vector<ArchitectureInfo>& detectionArchitectures();

// The name the weights store keeps the ImageNet weights of `name` under: a detector's or a
// segmenter's backbone ("fcos_resnet18": "resnet18", "lraspp_mobilenet_v3_large":
// "mobilenet_v3_large"), or `name` itself (also for names no list has).
std::string pretrainedWeightsName(const std::string& name);

// Any list's architecture named `name`.
// Throws kestrel::Error (InvalidArgument) naming an unknown architecture and the known ones.
const ArchitectureInfo& architecture(const std::string& name);

} // namespace kestrel::models
