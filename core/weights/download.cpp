#include "weights/download.h"

#include <cstdio>
#include <curl/curl.h>
#include <memory>
#include <mutex>

namespace kestrel::weights {
namespace {

struct Transfer {
    std::FILE* out = nullptr;
    const DownloadObserver* observer = nullptr;
    std::uint64_t received = 0;
    bool writeFailed = false;
    bool cancelled = false;
};

std::size_t writeBlock(char* data, std::size_t size, std::size_t count, void* user) {
    auto& transfer = *static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    if (std::fwrite(data, 1, bytes, transfer.out) != bytes) {
        transfer.writeFailed = true;
        return 0; // makes libcurl stop with CURLE_WRITE_ERROR
    }
    transfer.received += bytes;
    return bytes;
}

int reportProgress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
    auto& transfer = *static_cast<Transfer*>(user);
    if (transfer.observer == nullptr || !*transfer.observer) {
        return 0;
    }
    DownloadProgress progress;
    progress.received = static_cast<std::uint64_t>(now);
    if (total > 0) {
        progress.total = static_cast<std::uint64_t>(total);
    }
    if (!(*transfer.observer)(progress)) {
        transfer.cancelled = true;
        return 1; // makes libcurl stop with CURLE_ABORTED_BY_CALLBACK
    }
    return 0;
}

DownloadOutcome outcomeOf(CURLcode code, const Transfer& transfer) {
    switch (code) {
    case CURLE_OK:
        return DownloadOutcome::Complete;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return DownloadOutcome::Unreachable;
    case CURLE_OPERATION_TIMEDOUT:
        return transfer.received == 0 ? DownloadOutcome::Unreachable : DownloadOutcome::Failed;
    case CURLE_HTTP_RETURNED_ERROR:
        return DownloadOutcome::HttpError;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
        return DownloadOutcome::CutOff;
    case CURLE_ABORTED_BY_CALLBACK:
        return transfer.cancelled ? DownloadOutcome::Cancelled : DownloadOutcome::Failed;
    default:
        return DownloadOutcome::Failed;
    }
}

} // namespace

DownloadResult downloadFile(const std::string& url, const std::filesystem::path& file,
                            const DownloadObserver& observer) {
    static std::once_flag curlReady;
    std::call_once(curlReady, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

    DownloadResult result;
    std::unique_ptr<std::FILE, decltype(&std::fclose)> out(std::fopen(file.c_str(), "wb"),
                                                           &std::fclose);
    if (!out) {
        result.detail = "cannot write " + file.string();
        return result;
    }
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) {
        result.detail = "libcurl could not start";
        return result;
    }
    Transfer transfer;
    transfer.out = out.get();
    transfer.observer = &observer;
    char errorText[CURL_ERROR_SIZE] = {};
    CURL* handle = curl.get();
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(handle, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, 30L);
    // A transfer below 1 byte/s for a minute has stalled: give up rather than hang.
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, errorText);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, writeBlock);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, reportProgress);
    curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);

    const CURLcode code = curl_easy_perform(handle);
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &result.httpStatus);
    result.received = transfer.received;
    if (code == CURLE_OK && std::fflush(out.get()) != 0) {
        transfer.writeFailed = true;
    }
    if (transfer.writeFailed) {
        result.outcome = DownloadOutcome::Failed;
        result.detail = "writing " + file.string() + " failed";
        return result;
    }
    result.outcome = outcomeOf(code, transfer);
    if (code != CURLE_OK) {
        result.detail = errorText[0] != '\0' ? errorText : curl_easy_strerror(code);
    }
    return result;
}

} // namespace kestrel::weights
