#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace kestrel::weights {

struct DownloadProgress {
    std::uint64_t received = 0;
    std::optional<std::uint64_t> total; // when the server said how much it sends
};

// Called as bytes arrive; returning false cancels the download.
using DownloadObserver = std::function<bool(const DownloadProgress&)>;

// How a download ended, told apart so that callers can say what to do next.
enum class DownloadOutcome {
    Complete,
    Unreachable, // no route, no name resolution, connection refused or timed out
    HttpError,   // the server answered with a status of 400 or more
    CutOff,      // the transfer stopped before the length the server announced
    Cancelled,   // the observer asked to stop
    Failed,      // anything else: a local write, TLS, a stalled transfer
};

struct DownloadResult {
    DownloadOutcome outcome = DownloadOutcome::Failed;
    std::string detail;  // libcurl's words for what failed, empty when Complete
    long httpStatus = 0; // the last response status, 0 when none came
    std::uint64_t received = 0;
};

// Downloads an http:// or https:// `url` into `file` (created or truncated) with libcurl:
// redirects followed, a transfer that makes no progress for a minute given up. On any outcome
// but Complete the caller owns what `file` holds and should remove it.
DownloadResult downloadFile(const std::string& url, const std::filesystem::path& file,
                            const DownloadObserver& observer = {});

} // namespace kestrel::weights
