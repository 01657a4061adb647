#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace kestrel::runs {

// The log's lines for a run, one when it starts and one when it ends, whatever trains it
// (TrainingSession for the trained tasks, AnomalySession for a fit):
//   "Run 3 of /p started: <what>."   "Run 3 of /p ended: completed after 20 epochs."
void logRunStarted(const std::filesystem::path& project, std::int64_t runId, bool resuming,
                   const std::string& what);
void logRunEnded(const std::filesystem::path& project, std::int64_t runId,
                 const std::string& status, const std::string& how, const std::string& reason);

// "1 epoch", "20 epochs".
std::string countOf(std::int64_t n, const std::string& thing);

} // namespace kestrel::runs
