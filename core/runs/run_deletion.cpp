#include "runs/run_deletion.h"

#include "common/error.h"
#include "project/project.h"
#include "runs/run_lock.h"
#include "store/run_repository.h"

#include <filesystem>
#include <string>
#include <vector>

namespace kestrel::runs {

void deleteRun(Project& project, std::int64_t runId) {
    store::RunRepository runs(project.database());
    const store::RunRecord run = runs.get(runId);
    const auto folder = project.runsFolder() / std::to_string(runId);
    if (run.status == "running") {
        // A lock we can take means the process that trained it is gone.
        if (std::filesystem::exists(folder) && !RunLock::tryAcquire(folder)) {
            throw Error(ErrorKind::InvalidArgument,
                        "Run " + std::to_string(runId) +
                            " is training; stop it before deleting it.");
        }
    }
    std::vector<std::filesystem::path> files;
    for (const auto& artifact : runs.artifacts(runId)) {
        if (artifact.kind == "checkpoint") {
            continue; // inside the run's folder
        }
        const auto file = project.absolutePath(artifact.path);
        files.push_back(file);
        files.push_back(file.string() + ".card.json");
    }
    runs.remove(runId);

    std::string left;
    std::error_code error;
    for (const auto& file : files) {
        if (!std::filesystem::remove(file, error) && error) {
            left += (left.empty() ? "" : ", ") + file.string();
        }
    }
    std::filesystem::remove_all(folder, error);
    if (error) {
        left += (left.empty() ? "" : ", ") + folder.string();
    }
    if (!left.empty()) {
        throw Error(ErrorKind::Io,
                    "Run " + std::to_string(runId) +
                        " is deleted, but these files could not be removed: " + left + ".");
    }
}

} // namespace kestrel::runs
