#pragma once

#include <filesystem>
#include <optional>

namespace kestrel {
class Project;
}

namespace kestrel::runs {

// An advisory lock (flock) on <run folder>/lock, held by the process training the run. The
// kernel drops it when that process dies, however it dies, which is how a run left
// "running" by a killed process is told apart from one still training.
class RunLock {
public:
    // nullopt when another process holds the lock. Throws kestrel::Error (Io) when the lock
    // file cannot be created.
    static std::optional<RunLock> tryAcquire(const std::filesystem::path& runFolder);
    ~RunLock();
    RunLock(RunLock&& other) noexcept;
    RunLock& operator=(RunLock&&) = delete;
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

private:
    explicit RunLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

// Marks every run of `project` that is "running" but whose lock no process holds as
// "interrupted", with a sentence saying how to resume it. Returns how many it marked.
int markInterruptedRuns(Project& project);

} // namespace kestrel::runs
