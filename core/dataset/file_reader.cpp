#include "dataset/file_reader.h"

#include "dataset/content_hash.h"
#include "dataset/image_probe.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

namespace kestrel::dataset {

namespace {

ReadFile readOne(const ImportItem& item) {
    ReadFile result;
    std::ifstream in(item.file, std::ios::binary);
    if (!in) {
        result.reason = std::string("the file cannot be read (") + std::strerror(errno) + ")";
        return result;
    }
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    result.contentHash = contentHash(bytes);
    const ImageProbe probe = probeImage(bytes);
    result.readable = probe.readable;
    result.width = probe.width;
    result.height = probe.height;
    result.channels = probe.channels;
    result.reason = probe.reason;
    return result;
}

} // namespace

std::vector<ReadFile> readFiles(const std::vector<ImportItem>& items, unsigned workers,
                                const std::function<void(std::size_t done)>& tick,
                                const std::atomic<bool>* cancel) {
    std::vector<ReadFile> results(items.size());
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    const auto cancelled = [cancel] {
        return cancel && cancel->load();
    };
    const auto work = [&] {
        for (std::size_t i = next++; i < items.size() && !cancelled(); i = next++) {
            results[i] = readOne(items[i]);
            ++done;
        }
    };
    if (workers == 0) {
        workers = std::max(1u, std::thread::hardware_concurrency());
    }
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < workers; ++t) {
        threads.emplace_back(work);
    }
    // The calling thread only reports progress; workers do all the reading.
    while (done.load() < items.size() && !cancelled()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
        if (tick) {
            tick(done.load());
        }
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    if (tick) {
        tick(done.load());
    }
    return results;
}

} // namespace kestrel::dataset
