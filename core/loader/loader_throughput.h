#pragma once

#include "loader/loader_options.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kestrel::loader {

// What measureLoader saw. Wall-clock figures: a benchmark, not a test.
struct LoaderThroughput {
    double imagesPerSecond = 0.0;
    double seconds = 0.0;
    std::int64_t images = 0;
    std::int64_t batches = 0;
    std::int64_t epochs = 0;    // epochs started (the last may be partial)
    std::size_t unreadable = 0; // samples skipped because they could not be decoded
};

// Runs a BatchLoader over `samples` until `batches` batches have been served (starting new
// epochs as needed) and times it from the first startEpoch to the last batch. For
// `kestrel-cli bench loader`. Throws kestrel::Error (InvalidArgument) when `batches` is not
// positive, the options are out of range, or no batch can be made from the samples.
LoaderThroughput measureLoader(const std::vector<LoaderSample>& samples,
                               const LoaderOptions& options, std::int64_t batches);

} // namespace kestrel::loader
