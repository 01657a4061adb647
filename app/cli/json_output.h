#pragma once

#include <nlohmann/json_fwd.hpp>

namespace kestrel {
struct ProjectSummary;
}

namespace kestrel::cli {

nlohmann::json toJson(const ProjectSummary& summary);

// Prints exactly one JSON object on one line of stdout, as `--json` promises.
void printJson(const nlohmann::json& object);

} // namespace kestrel::cli
