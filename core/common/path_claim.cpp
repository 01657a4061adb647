#include "common/path_claim.h"

#include "common/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kestrel {

namespace {

// Whether `fd` still is what `path` names: a cleanup may have removed the path between
// open() and flock(), leaving the lock on a file nobody can find.
bool stillNamedBy(int fd, const std::filesystem::path& path) {
    struct stat held {};
    struct stat named {};
    return ::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 &&
           held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

// Opens `path` with `flags` and takes its lock, waiting; -1 with errno set when it cannot be
// opened. Opens again when the path was removed or replaced while waiting.
int openLocked(const std::filesystem::path& path, int flags) {
    for (;;) {
        const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
        if (fd < 0) {
            return -1;
        }
        int locked = 0;
        do {
            locked = ::flock(fd, LOCK_EX);
        } while (locked != 0 && errno == EINTR);
        if (locked == 0 && stillNamedBy(fd, path)) {
            return fd;
        }
        ::close(fd);
    }
}

} // namespace

PathClaim PathClaim::file(const std::filesystem::path& file) {
    const int fd = openLocked(file, O_RDWR | O_CREAT);
    if (fd < 0) {
        throw Error(ErrorKind::Io,
                    "Cannot create " + file.string() + ": " + std::strerror(errno) + ".");
    }
    return PathClaim(fd);
}

std::optional<PathClaim> PathClaim::folder(const std::filesystem::path& folder) {
    const int fd = openLocked(folder, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        return std::nullopt;
    }
    return PathClaim(fd);
}

bool PathClaim::removeIfUnclaimed(const std::filesystem::path& path) {
    std::error_code ec;
    const int flags = std::filesystem::is_directory(path, ec) ? O_RDONLY | O_DIRECTORY : O_RDONLY;
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        return false;
    }
    bool removed = false;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && stillNamedBy(fd, path)) {
        removed = std::filesystem::remove_all(path, ec) > 0 && !ec;
    }
    ::close(fd);
    return removed;
}

PathClaim::PathClaim(PathClaim&& other) noexcept : fd_(other.fd_) {
    other.fd_ = -1;
}

PathClaim& PathClaim::operator=(PathClaim&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

PathClaim::~PathClaim() {
    if (fd_ >= 0) {
        ::close(fd_); // releases the flock
    }
}

} // namespace kestrel
