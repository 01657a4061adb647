#include "runs/run_lock.h"

#include "common/error.h"
#include "project/project.h"
#include "store/run_repository.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace kestrel::runs {

std::optional<RunLock> RunLock::tryAcquire(const std::filesystem::path& runFolder) {
    std::filesystem::create_directories(runFolder);
    const std::filesystem::path file = runFolder / "lock";
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw Error(ErrorKind::Io,
                    "Cannot create " + file.string() + ": " + std::strerror(errno) + ".");
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        return std::nullopt;
    }
    return RunLock(fd);
}

RunLock::RunLock(RunLock&& other) noexcept : fd_(other.fd_) {
    other.fd_ = -1;
}

RunLock::~RunLock() {
    if (fd_ >= 0) {
        ::close(fd_); // releases the flock
    }
}

int markInterruptedRuns(Project& project) {
    store::RunRepository runs(project.database());
    int marked = 0;
    for (const auto& run : runs.list()) {
        if (run.status != "running") {
            continue;
        }
        const auto folder = project.runsFolder() / std::to_string(run.id);
        if (RunLock::tryAcquire(folder)) { // acquired and released at once: nobody trains it
            runs.finish(run.id, "interrupted",
                        "The process training run " + std::to_string(run.id) +
                            " stopped before it finished; `kestrel-cli train --resume " +
                            std::to_string(run.id) + "` continues it.");
            ++marked;
        }
    }
    return marked;
}

} // namespace kestrel::runs
