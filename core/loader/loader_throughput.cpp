#include "loader/loader_throughput.h"

#include "common/error.h"
#include "loader/batch_loader.h"

#include <chrono>
#include <string>

namespace kestrel::loader {

LoaderThroughput measureLoader(const std::vector<LoaderSample>& samples,
                               const LoaderOptions& options, std::int64_t batches) {
    if (batches <= 0) {
        throw Error(ErrorKind::InvalidArgument,
                    "Batch count " + std::to_string(batches) + " is not positive.");
    }
    BatchLoader loader(samples, options);
    if (loader.batchesPerEpoch() == 0) {
        throw Error(ErrorKind::InvalidArgument, std::to_string(samples.size()) +
                                                    " samples make no batch of " +
                                                    std::to_string(options.batchSize) + ".");
    }
    LoaderThroughput result;
    const auto start = std::chrono::steady_clock::now();
    while (result.batches < batches) {
        loader.startEpoch(result.epochs++);
        bool servedAny = false;
        while (result.batches < batches) {
            auto batch = loader.next();
            if (!batch) {
                break;
            }
            servedAny = true;
            ++result.batches;
            result.images += batch->images.size(0);
        }
        if (!servedAny) {
            break; // every sample is unreadable: report what we have, do not spin
        }
    }
    const auto end = std::chrono::steady_clock::now();
    loader.stop();
    result.seconds = std::chrono::duration<double>(end - start).count();
    result.imagesPerSecond = result.seconds > 0.0 ? result.images / result.seconds : 0.0;
    result.unreadable = loader.failureCount();
    return result;
}

} // namespace kestrel::loader
