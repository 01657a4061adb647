#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::dataset {

struct LabelledSample {
    std::filesystem::path file;  // absolute: what a loader reads
    std::int64_t classIndex = 0; // into LabelledSamples::classes
    std::int64_t id = 0;         // samples.id
    // samples.path as stored (relative when inside the project): the sample's identity,
    // the same wherever the project folder lives.
    std::string key{};
};

// What a training or benchmark run reads: the class names in project order, and the
// readable, labelled samples (of one split, when given) with their class index.
struct LabelledSamples {
    std::vector<std::string> classes;
    std::vector<LabelledSample> samples;
};

LabelledSamples labelledSamples(Project& project, const std::optional<std::string>& split = {});

} // namespace kestrel::dataset
