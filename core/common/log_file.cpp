#include "common/log_file.h"

#include "common/data_folder.h"
#include "common/utc_time.h"

#include <fcntl.h>
#include <mutex>
#include <sys/file.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace kestrel::logging {

namespace {

namespace fs = std::filesystem;

constexpr int kKeptOldFiles = 3;

struct Log {
    std::mutex mutex;
    int fd = -1;
    fs::path file;
    std::string program;
    std::int64_t rotateBytes = 0;
    std::ostream* echo = nullptr;
};

Log& state() {
    static Log log;
    return log;
}

int openForAppend(const fs::path& file) {
    return ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

bool sameFile(int fd, const fs::path& file) {
    struct stat open {};
    struct stat named {};
    return ::fstat(fd, &open) == 0 && ::stat(file.c_str(), &named) == 0 &&
           open.st_dev == named.st_dev && open.st_ino == named.st_ino;
}

std::int64_t sizeOf(int fd) {
    struct stat info {};
    return ::fstat(fd, &info) == 0 ? static_cast<std::int64_t>(info.st_size) : 0;
}

fs::path older(const fs::path& file, int generation) {
    return file.string() + "." + std::to_string(generation);
}

// Called with the mutex held. Another process may have rotated first: then this one only
// follows it to the new file. The lock on the old file keeps two rotations apart.
void rotateIfFull(Log& log) {
    if (log.fd < 0 || sizeOf(log.fd) < log.rotateBytes) {
        return;
    }
    ::flock(log.fd, LOCK_EX);
    if (sameFile(log.fd, log.file)) {
        std::error_code ignored;
        for (int generation = kKeptOldFiles - 1; generation >= 1; --generation) {
            fs::rename(older(log.file, generation), older(log.file, generation + 1), ignored);
        }
        fs::rename(log.file, older(log.file, 1), ignored);
    }
    const int fresh = openForAppend(log.file);
    ::flock(log.fd, LOCK_UN);
    ::close(log.fd);
    log.fd = fresh;
}

} // namespace

fs::path defaultLogFolder() {
    return userDataFolder("KESTREL_LOG_DIR", "logs");
}

void openLog(const std::string& program, const fs::path& folder, std::int64_t rotateBytes) {
    Log& log = state();
    const std::lock_guard lock(log.mutex);
    if (log.fd >= 0) {
        ::close(log.fd);
    }
    std::error_code ignored;
    fs::create_directories(folder, ignored);
    log.file = folder / "kestrel.log";
    log.fd = openForAppend(log.file);
    log.program = program;
    log.rotateBytes = rotateBytes;
    if (log.fd < 0) {
        log.file.clear();
    }
}

fs::path logFile() {
    Log& log = state();
    const std::lock_guard lock(log.mutex);
    return log.file;
}

void setEcho(std::ostream* echo) {
    Log& log = state();
    const std::lock_guard lock(log.mutex);
    log.echo = echo;
}

void write(std::string_view message) {
    Log& current = state();
    const std::lock_guard lock(current.mutex);
    std::string line = utcNow() + " " + current.program + "[" + std::to_string(::getpid()) + "] ";
    line.append(message);
    line += '\n';
    if (current.echo) {
        *current.echo << line << std::flush;
    }
    rotateIfFull(current);
    if (current.fd >= 0) {
        // O_APPEND: one write() lands whole at the end, whoever else is appending.
        [[maybe_unused]] const ssize_t written = ::write(current.fd, line.data(), line.size());
    }
}

} // namespace kestrel::logging
