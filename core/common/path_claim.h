#pragma once

#include <filesystem>
#include <optional>

namespace kestrel {

// An advisory lock (flock) saying "this process is still writing here", held on a partial
// file or a temporary folder for as long as it is being written. The kernel drops it when
// the process dies, however it dies, so what a killed export or audit left behind can be
// told apart from what another process is writing (project/leftovers.h removes only the
// first).
class PathClaim {
public:
    // Claims `file`, created empty when missing, waiting for another claim on it to end.
    // Throws kestrel::Error (Io) when it cannot be created.
    static PathClaim file(const std::filesystem::path& file);
    // Claims the existing folder `folder`; nullopt when it is gone (another process's cleanup
    // removed it first). Waits for another claim on it to end.
    static std::optional<PathClaim> folder(const std::filesystem::path& folder);
    // Removes `path` (a file or a folder and everything in it) when no process claims it,
    // holding the claim while it does so; true when it removed it.
    static bool removeIfUnclaimed(const std::filesystem::path& path);

    ~PathClaim();
    PathClaim(PathClaim&& other) noexcept;
    PathClaim& operator=(PathClaim&& other) noexcept;
    PathClaim(const PathClaim&) = delete;
    PathClaim& operator=(const PathClaim&) = delete;

    // The claimed file, open for reading and writing (a folder's is read-only).
    int descriptor() const { return fd_; }

private:
    explicit PathClaim(int fd) : fd_(fd) {}
    int fd_ = -1;
};

} // namespace kestrel
