#include "runs/run_log.h"

#include "common/log_file.h"

namespace kestrel::runs {

namespace {

std::string runName(const std::filesystem::path& project, std::int64_t runId) {
    return "Run " + std::to_string(runId) + " of " + project.string();
}

} // namespace

void logRunStarted(const std::filesystem::path& project, std::int64_t runId, bool resuming,
                   const std::string& what) {
    logging::write(runName(project, runId) + (resuming ? " resumed: " : " started: ") + what + ".");
}

void logRunEnded(const std::filesystem::path& project, std::int64_t runId,
                 const std::string& status, const std::string& how, const std::string& reason) {
    logging::write(runName(project, runId) + " ended: " + status + (how.empty() ? "" : " " + how) +
                   (reason.empty() ? "." : ": " + reason));
}

std::string countOf(std::int64_t n, const std::string& thing) {
    return std::to_string(n) + " " + thing + (n == 1 ? "" : "s");
}

} // namespace kestrel::runs
