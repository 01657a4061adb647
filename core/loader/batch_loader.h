#pragma once

#include "loader/loader_options.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace cv {
class Mat;
}

namespace kestrel::imaging {
class ImageCache;
}

namespace kestrel::loader {

// One batch, rows in epoch order. (at::Tensor is torch::Tensor.)
struct Batch {
    at::Tensor images; // float32, N x C x H x W, values in [0, 1], channels R, G, B (or gray)
    at::Tensor labels; // int64, N
    // int64, N x H x W, each pixel's class (0 background) when LoaderOptions::masks; else
    // undefined.
    at::Tensor masks;
    // float32, N x M x 5 when LoaderOptions::boxes, else undefined: each row's boxes as
    // (category, x0, y0, x1, y1) in the frame's pixel corner coordinates, M the most boxes of
    // any row (at least 1), the rest of a row filled with category -1.
    at::Tensor boxes;
    std::vector<std::size_t> indices; // row i came from samples[indices[i]]
    std::int64_t epoch = 0;
    std::int64_t number = 0; // position of the batch within its epoch, counting from 0

    // What a task's loss compares the outputs with: the boxes or masks when there are some,
    // else the labels.
    const at::Tensor& targets() const {
        return boxes.defined() ? boxes : masks.defined() ? masks : labels;
    }
};

// A sample that could not be read. It is reported once and left out of its batch from then
// on (so that batch has fewer rows), never replaced by another sample.
struct LoaderFailure {
    std::size_t index = 0;
    std::string path;
    std::string reason; // the kestrel::Error sentence, naming the file
};

// Decodes, augments and batches images on worker threads, ahead of the consumer, through a
// bounded queue of `prefetchBatches` batches. Each worker builds whole batches; batches are
// served in order, and their content depends only on the samples, options and epoch (each
// row's augmentation is seeded by seed, epoch and the row's position in the epoch), never on
// the number of workers or their timing.
//
//     BatchLoader loader(samples, options);
//     for (std::int64_t epoch = 0; epoch < epochs; ++epoch) {
//         loader.startEpoch(epoch);
//         while (auto batch = loader.next()) { ... }
//     }
//
// startEpoch, next and the destructor belong to one consumer thread; stop() may also be
// called from another thread, and makes a waiting next() return nullopt.
class BatchLoader {
public:
    // Throws kestrel::Error (InvalidArgument) for options out of range.
    BatchLoader(std::vector<LoaderSample> samples, LoaderOptions options);
    ~BatchLoader();
    BatchLoader(const BatchLoader&) = delete;
    BatchLoader& operator=(const BatchLoader&) = delete;

    // Starts decoding `epoch`; an epoch still running is stopped first.
    void startEpoch(std::int64_t epoch);
    // The next batch of the current epoch; nullopt when the epoch is over, stopped, or never
    // started. Rethrows an unexpected worker failure (not a bad image: those are skipped).
    std::optional<Batch> next();
    // Stops the current epoch's workers and waits for them; cheap and safe to repeat.
    void stop();

    std::size_t batchesPerEpoch() const;
    const std::vector<LoaderSample>& samples() const { return samples_; }
    const LoaderOptions& options() const { return options_; }
    bool pinsMemory() const { return pinMemory_; }

    std::vector<LoaderFailure> failures() const;
    std::size_t failureCount() const;
    // Files the loader tried to decode so far; cache hits and samples already known to be
    // unreadable are not tried again.
    std::uint64_t decodeCount() const { return decodes_.load(); }
    bool cacheEnabled() const;
    std::size_t cachedImages() const;

private:
    struct Run;
    bool load(std::size_t index, cv::Mat& image, cv::Mat& mask); // mask: when options_.masks
    // Training rows are cut to options_.cropSide (segmentation with augmentation only).
    bool cropping() const { return options_.augment && options_.masks && options_.cropSide > 0; }
    void recordFailure(std::size_t index, const std::string& reason);
    Batch assemble(const Run& run, std::size_t number);
    void work(Run& run);

    std::vector<LoaderSample> samples_;
    LoaderOptions options_;
    bool pinMemory_ = false;
    std::unique_ptr<imaging::ImageCache> cache_;
    std::atomic<std::uint64_t> decodes_{0};

    mutable std::mutex failuresMutex_;
    std::vector<LoaderFailure> failures_;
    std::vector<bool> failed_; // by sample index, guarded by failuresMutex_

    std::mutex stopMutex_; // serialises joining the workers
    std::unique_ptr<Run> run_;
};

} // namespace kestrel::loader
