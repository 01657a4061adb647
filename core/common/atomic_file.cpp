#include "common/atomic_file.h"

#include "common/error.h"
#include "common/path_claim.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace kestrel {

namespace {

[[noreturn]] void failWriting(const std::filesystem::path& file, int error) {
    throw Error(ErrorKind::Io, "Cannot write " + file.string() + ": " + std::strerror(error) + ".");
}

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return fd_; }
    // close() can report a delayed write error, so it is checked once on the happy path.
    int close() {
        const int result = ::close(fd_);
        fd_ = -1;
        return result;
    }

private:
    int fd_;
};

} // namespace

void writeFileAtomically(const std::filesystem::path& file, std::string_view bytes,
                         Durability durability) {
    const bool sync = durability == Durability::Fsync;
    const std::filesystem::path partial = file.string() + ".partial";
    // Held until the rename: a start meanwhile must not tidy the file away as a leftover.
    const PathClaim claim = PathClaim::file(partial);
    {
        FileDescriptor out(::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (out.get() < 0) {
            failWriting(partial, errno);
        }
        std::size_t written = 0;
        while (written < bytes.size()) {
            const ssize_t n = ::write(out.get(), bytes.data() + written, bytes.size() - written);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                failWriting(partial, errno);
            }
            written += static_cast<std::size_t>(n);
        }
        if ((sync && ::fsync(out.get()) != 0) || out.close() != 0) {
            failWriting(partial, errno);
        }
    }
    if (::rename(partial.c_str(), file.c_str()) != 0) {
        failWriting(file, errno);
    }
    if (!sync) {
        return;
    }
    const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : ".";
    FileDescriptor directory(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (directory.get() >= 0) {
        ::fsync(directory.get()); // best effort: some file systems refuse fsync on folders
    }
}

} // namespace kestrel
