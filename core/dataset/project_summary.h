#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kestrel {

class Project;

struct ClassCount {
    std::string name;
    std::int64_t count = 0; // usable samples labelled with this class
};

struct SplitCounts {
    std::int64_t train = 0;
    std::int64_t val = 0;
    std::int64_t test = 0;
    std::int64_t unassigned = 0;
};

// Shapes on readable samples per kind, and how many samples have each kind (or none).
struct AnnotationSummary {
    std::int64_t boxes = 0;
    std::int64_t polygons = 0;
    std::int64_t masks = 0;
    std::int64_t samplesWithBoxes = 0;
    std::int64_t samplesWithPolygons = 0;
    std::int64_t samplesWithMasks = 0;
    std::int64_t samplesWithout = 0;
};

// What `kestrel-cli info` and the window's overview show. Counts cover usable samples;
// files that could not be decoded are counted in `unreadable` only.
struct ProjectSummary {
    std::string name;
    std::string folder;
    std::string createdAt;
    int schemaVersion = 0;
    std::int64_t datasetVersion = 0;
    std::int64_t samples = 0;
    std::int64_t labelled = 0;
    std::int64_t unlabelled = 0;
    std::int64_t unreadable = 0;
    std::int64_t runs = 0;
    std::int64_t duplicateGroups = 0; // sets of readable samples with identical bytes
    std::int64_t leakageGroups = 0;   // of those, sets spread over more than one split
    std::vector<ClassCount> classes;  // in the project's class order
    SplitCounts splits;
    AnnotationSummary annotations;
};

ProjectSummary summarizeProject(Project& project);
// Only the name, folder, creation time and versions: what a window needs at once, without
// the counting passes over every sample.
ProjectSummary summarizeProjectHeading(Project& project);

} // namespace kestrel
