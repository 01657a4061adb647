#include "json_output.h"

#include "dataset/project_summary.h"

#include <iostream>

#include <nlohmann/json.hpp>

namespace kestrel::cli {

nlohmann::json toJson(const ProjectSummary& summary) {
    nlohmann::json classes = nlohmann::json::array();
    for (const ClassCount& entry : summary.classes) {
        classes.push_back({{"name", entry.name}, {"count", entry.count}});
    }
    return {
        {"project", summary.folder},
        {"name", summary.name},
        {"created_at", summary.createdAt},
        {"schema_version", summary.schemaVersion},
        {"dataset_version", summary.datasetVersion},
        {"samples", summary.samples},
        {"labelled", summary.labelled},
        {"unlabelled", summary.unlabelled},
        {"unreadable", summary.unreadable},
        {"classes", classes},
        {"splits",
         {{"train", summary.splits.train},
          {"val", summary.splits.val},
          {"test", summary.splits.test},
          {"unassigned", summary.splits.unassigned}}},
        {"annotations",
         {{"boxes", summary.annotations.boxes},
          {"polygons", summary.annotations.polygons},
          {"masks", summary.annotations.masks},
          {"samples_with_boxes", summary.annotations.samplesWithBoxes},
          {"samples_with_polygons", summary.annotations.samplesWithPolygons},
          {"samples_with_masks", summary.annotations.samplesWithMasks},
          {"samples_without_shapes", summary.annotations.samplesWithout}}},
        {"runs", summary.runs},
        {"duplicates", summary.duplicateGroups},
        {"leakage", summary.leakageGroups},
    };
}

void printJson(const nlohmann::json& object) {
    std::cout << object.dump() << '\n';
}

} // namespace kestrel::cli
