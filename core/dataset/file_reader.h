#pragma once

#include "dataset/import_source.h"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace kestrel::dataset {

// What reading one import item found.
struct ReadFile {
    std::string contentHash; // empty when the file could not be read at all
    bool readable = false;
    int width = 0;
    int height = 0;
    int channels = 0;
    std::string reason;
};

// Reads, hashes and decodes `items` on `workers` threads. Calls `tick(done)` on the calling
// thread every few dozen milliseconds. Returns early (with a partial result) when `cancel`
// is set.
std::vector<ReadFile> readFiles(const std::vector<ImportItem>& items, unsigned workers,
                                const std::function<void(std::size_t done)>& tick,
                                const std::atomic<bool>* cancel);

} // namespace kestrel::dataset
