#include "loader/batch_loader.h"

#include "common/error.h"
#include "imaging/augment.h"
#include "imaging/box_geometry.h"
#include "imaging/class_mask.h"
#include "imaging/decode.h"
#include "imaging/image_cache.h"
#include "imaging/random.h"
#include "imaging/training_crop.h"
#include "loader/epoch_order.h"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <exception>
#include <map>
#include <thread>

#include <ATen/ops/empty.h>
#include <opencv2/core.hpp>
#include <torch/cuda.h>

namespace kestrel::loader {

namespace {

std::string sizeText(int width, int height) {
    return std::to_string(width) + " x " + std::to_string(height);
}

// A sample's per-pixel class target at the spec's size, placed as conformImage places the
// image. `file` is the size the image file decoded to: regions drawn on a different size
// would land on the wrong pixels, so that is refused rather than stretched.
cv::Mat classTarget(const LoaderSample& sample, cv::Size file, const imaging::ImageSpec& spec) {
    if (sample.regions.empty()) {
        return cv::Mat::zeros(spec.height, spec.width, CV_8UC1);
    }
    if (sample.imageWidth <= 0 || sample.imageHeight <= 0) {
        throw Error(ErrorKind::InvalidArgument,
                    "Image file " + sample.path + " has regions but no recorded size (" +
                        sizeText(sample.imageWidth, sample.imageHeight) + ") to draw them at.");
    }
    if (file != cv::Size(sample.imageWidth, sample.imageHeight)) {
        throw Error(ErrorKind::InvalidArgument,
                    "Image file " + sample.path + " is " + sizeText(file.width, file.height) +
                        " pixels, but its regions were drawn on an image of " +
                        sizeText(sample.imageWidth, sample.imageHeight) + ".");
    }
    try {
        return imaging::conformMask(
            imaging::renderClassMask(sample.regions, sample.imageWidth, sample.imageHeight), spec);
    } catch (const Error& error) {
        // renderClassMask's sentence names the region, not the file: say which file.
        std::string reason = error.what();
        if (!reason.empty()) {
            reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
        }
        throw Error(error.kind(), "The class target of image file " + sample.path +
                                      " cannot be drawn: " + reason);
    }
}

// Refuses a file whose size is not the one the sample's boxes were drawn on: they would box
// the wrong pixels.
void checkBoxedSize(const LoaderSample& sample, cv::Size file) {
    if (!sample.boxes.empty() && file != cv::Size(sample.imageWidth, sample.imageHeight)) {
        throw Error(ErrorKind::InvalidArgument,
                    "Image file " + sample.path + " is " + sizeText(file.width, file.height) +
                        " pixels, but its boxes were drawn on an image of " +
                        sizeText(sample.imageWidth, sample.imageHeight) + ".");
    }
}

// A sample's boxes in the frame, where conformImage puts its pixels.
std::vector<imaging::ClassBox> frameBoxes(const LoaderSample& sample,
                                          const imaging::ImageSpec& spec) {
    if (sample.boxes.empty()) {
        return {};
    }
    return imaging::conformBoxes(sample.boxes, cv::Size(sample.imageWidth, sample.imageHeight),
                                 spec);
}

// Rows of boxes as Batch::boxes lays them out.
at::Tensor boxTensor(const std::vector<std::vector<imaging::ClassBox>>& rows, bool pinned) {
    std::size_t most = 1;
    for (const auto& row : rows) {
        most = std::max(most, row.size());
    }
    at::Tensor boxes =
        at::empty({static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(most), 5},
                  at::TensorOptions().dtype(at::kFloat).pinned_memory(pinned));
    float* out = boxes.data_ptr<float>();
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < most; ++i, out += 5) {
            if (i >= row.size()) {
                std::fill(out, out + 5, 0.0F);
                out[0] = -1.0F;
                continue;
            }
            const annotations::Box& box = row[i].box;
            out[0] = static_cast<float>(row[i].category);
            out[1] = static_cast<float>(box.x);
            out[2] = static_cast<float>(box.y);
            out[3] = static_cast<float>(box.right());
            out[4] = static_cast<float>(box.bottom());
        }
    }
    return boxes;
}

} // namespace

// The state of one epoch: its order, the workers, and the batches waiting to be served.
struct BatchLoader::Run {
    std::int64_t epoch = 0;
    std::vector<std::size_t> order;
    // Each entry's position in the epoch's whole order, which seeds its augmentation: a
    // sample is augmented alike whichever rank draws it. Empty: the entry's own index.
    std::vector<std::size_t> seedPositions;
    std::size_t batchCount = 0;

    std::mutex mutex;
    std::condition_variable changed;
    std::size_t nextToClaim = 0; // the next batch number a worker will build
    std::size_t nextToServe = 0; // the next batch number next() hands out
    std::map<std::size_t, Batch> ready;
    std::exception_ptr error;
    std::atomic<bool> stopping{false}; // also read without the mutex, between images
    std::vector<std::thread> workers;
};

void validate(const LoaderOptions& options) {
    validate(options.spec);
    const auto check = [](bool ok, const std::string& what, long long value) {
        if (!ok) {
            throw Error(ErrorKind::InvalidArgument, "Loader setting " + what + " = " +
                                                        std::to_string(value) +
                                                        " is out of range.");
        }
    };
    check(options.batchSize >= 1, "batch size", options.batchSize);
    check(options.workers >= 1 && options.workers <= 256, "worker count", options.workers);
    check(options.prefetchBatches >= 1, "prefetch depth", options.prefetchBatches);
    if (options.augment) {
        validate(options.augmentation);
    }
    check(options.cropSide >= 0 &&
              options.cropSide <= std::min(options.spec.width, options.spec.height),
          "crop side", options.cropSide);
    if (!(options.defectCropShare >= 0.0 && options.defectCropShare <= 1.0)) {
        throw Error(ErrorKind::InvalidArgument, "Loader setting defect crop share = " +
                                                    std::to_string(options.defectCropShare) +
                                                    " is outside 0 to 1.");
    }
    if (options.boxes && options.masks) {
        throw Error(ErrorKind::InvalidArgument,
                    "Loader settings ask for both masks and boxes; a task uses one or the other.");
    }
    check(options.shard.count >= 1, "shard count", options.shard.count);
    check(options.shard.index >= 0 && options.shard.index < options.shard.count, "shard index",
          options.shard.index);
}

BatchLoader::BatchLoader(std::vector<LoaderSample> samples, LoaderOptions options)
    : samples_(std::move(samples)), options_(std::move(options)), failed_(samples_.size()) {
    validate(options_);
    pinMemory_ = options_.pinMemory && torch::cuda::is_available();
    // A class mask is one byte a pixel, cached beside its image.
    const auto pixels = static_cast<std::uint64_t>(options_.spec.width) *
                        static_cast<std::uint64_t>(options_.spec.height);
    const std::uint64_t bytesPerImage =
        pixels * (static_cast<std::uint64_t>(options_.spec.channels) + (options_.masks ? 1 : 0));
    cache_ = std::make_unique<imaging::ImageCache>(samples_.size(), bytesPerImage,
                                                   options_.cacheBudgetBytes);
}

BatchLoader::~BatchLoader() {
    stop();
}

std::size_t BatchLoader::batchesPerEpoch() const {
    const auto size = static_cast<std::size_t>(options_.batchSize);
    const auto shards = static_cast<std::size_t>(options_.shard.count);
    if (shards > 1 && options_.dropLast) {
        return samples_.size() / (size * shards);
    }
    const std::size_t batches =
        options_.dropLast ? samples_.size() / size : (samples_.size() + size - 1) / size;
    // A shard that keeps the last batch takes every shards-th whole batch from its index on.
    const auto index = static_cast<std::size_t>(options_.shard.index);
    return batches > index ? (batches - index - 1) / shards + 1 : 0;
}

void BatchLoader::startEpoch(std::int64_t epoch) {
    stop();
    auto run = std::make_unique<Run>();
    run->epoch = epoch;
    run->order = epochOrder(samples_, options_, epoch);
    if (options_.shard.count > 1) {
        const auto size = static_cast<std::size_t>(options_.batchSize);
        run->seedPositions =
            options_.dropLast ? shardPositions(run->order.size(), size, options_.shard)
                              : wholeBatchShardPositions(run->order.size(), size, options_.shard);
        std::vector<std::size_t> shard;
        shard.reserve(run->seedPositions.size());
        for (const std::size_t position : run->seedPositions) {
            shard.push_back(run->order[position]);
        }
        run->order = std::move(shard);
    }
    run->batchCount = batchesPerEpoch();
    run_ = std::move(run);
    for (int i = 0; i < options_.workers; ++i) {
        run_->workers.emplace_back([this, run = run_.get()] { work(*run); });
    }
}

void BatchLoader::stop() {
    std::lock_guard stopLock(stopMutex_);
    if (!run_) {
        return;
    }
    {
        std::lock_guard lock(run_->mutex);
        run_->stopping = true;
    }
    run_->changed.notify_all();
    for (std::thread& worker : run_->workers) {
        if (worker.joinable()) {
            worker.join();
        }
    }
}

std::optional<Batch> BatchLoader::next() {
    if (!run_) {
        return std::nullopt;
    }
    Run& run = *run_;
    for (;;) {
        std::unique_lock lock(run.mutex);
        if (run.nextToServe >= run.batchCount) {
            return std::nullopt;
        }
        run.changed.wait(lock, [&] {
            return run.error || run.stopping || run.ready.count(run.nextToServe) > 0;
        });
        if (run.error) {
            std::rethrow_exception(run.error);
        }
        if (run.stopping) {
            return std::nullopt; // a batch cut short by stop() is never served
        }
        auto found = run.ready.find(run.nextToServe);
        Batch batch = std::move(found->second);
        run.ready.erase(found);
        ++run.nextToServe;
        lock.unlock();
        run.changed.notify_all(); // a prefetch slot is free
        if (!batch.indices.empty()) {
            return batch;
        }
        // Every image of that batch was unreadable: serve the next one instead.
    }
}

void BatchLoader::work(Run& run) {
    const auto depth = static_cast<std::size_t>(options_.prefetchBatches);
    for (;;) {
        std::size_t number = 0;
        {
            std::unique_lock lock(run.mutex);
            run.changed.wait(lock, [&] {
                return run.stopping || run.nextToClaim >= run.batchCount ||
                       run.nextToClaim < run.nextToServe + depth;
            });
            if (run.stopping || run.nextToClaim >= run.batchCount) {
                return;
            }
            number = run.nextToClaim++;
        }
        try {
            Batch batch = assemble(run, number);
            std::lock_guard lock(run.mutex);
            run.ready.emplace(number, std::move(batch));
        } catch (...) {
            std::lock_guard lock(run.mutex);
            if (!run.error) {
                run.error = std::current_exception();
            }
            run.stopping = true;
        }
        run.changed.notify_all();
    }
}

void BatchLoader::recordFailure(std::size_t index, const std::string& reason) {
    std::lock_guard lock(failuresMutex_);
    if (!failed_[index]) { // two workers may both fail on a sample drawn twice
        failed_[index] = true;
        failures_.push_back({index, samples_[index].path, reason});
    }
}

bool BatchLoader::load(std::size_t index, cv::Mat& image, cv::Mat& mask) {
    if (cache_->find(index, image, &mask)) {
        return true;
    }
    {
        std::lock_guard lock(failuresMutex_);
        if (failed_[index]) {
            return false;
        }
    }
    const LoaderSample& sample = samples_[index];
    try {
        ++decodes_;
        imaging::ConformedFile decoded = imaging::decodeForSpec(sample.path, options_.spec);
        if (options_.masks) {
            mask = classTarget(sample, decoded.fileSize, options_.spec);
        }
        if (options_.boxes) {
            checkBoxedSize(sample, decoded.fileSize);
        }
        image = std::move(decoded.image);
    } catch (const Error& error) {
        recordFailure(index, error.what());
        return false;
    } catch (const cv::Exception& error) {
        recordFailure(index,
                      "Image file " + sample.path + " could not be converted: " + error.err + ".");
        return false;
    }
    cache_->store(index, image, mask);
    return true;
}

Batch BatchLoader::assemble(const Run& run, std::size_t number) {
    const auto size = static_cast<std::size_t>(options_.batchSize);
    const std::size_t begin = number * size;
    const std::size_t end = std::min(begin + size, run.order.size());

    Batch batch;
    batch.epoch = run.epoch;
    batch.number = static_cast<std::int64_t>(number);
    std::vector<cv::Mat> images;
    std::vector<cv::Mat> masks;
    std::vector<std::vector<imaging::ClassBox>> boxes;
    for (std::size_t position = begin; position < end && !run.stopping; ++position) {
        const std::size_t index = run.order[position];
        cv::Mat image;
        cv::Mat mask;
        if (!load(index, image, mask)) {
            continue;
        }
        std::vector<imaging::ClassBox> rowBoxes;
        if (options_.boxes) {
            rowBoxes = frameBoxes(samples_[index], options_.spec);
        }
        if (options_.augment) {
            // Seeded by position, not worker: the same image for any thread count, and a
            // sample drawn twice (class balancing) gets two different augmentations.
            const std::size_t seedPosition =
                run.seedPositions.empty() ? position : run.seedPositions[position];
            imaging::Random random(imaging::mixSeed(options_.seed,
                                                    static_cast<std::uint64_t>(run.epoch),
                                                    static_cast<std::uint64_t>(seedPosition)));
            if (options_.masks) {
                imaging::augmentImageAndMask(image, mask, options_.augmentation, random);
                if (cropping()) {
                    const cv::Rect window = imaging::chooseTrainingCrop(
                        mask, options_.cropSide, options_.defectCropShare, random);
                    image = image(window);
                    mask = mask(window);
                }
            } else if (options_.boxes) {
                imaging::augmentImageAndBoxes(image, rowBoxes, options_.augmentation, random);
            } else {
                image = imaging::augmentImage(image, options_.augmentation, random);
            }
        }
        images.push_back(image.isContinuous() ? image : image.clone());
        if (options_.masks) {
            masks.push_back(mask.isContinuous() ? mask : mask.clone());
        }
        boxes.push_back(std::move(rowBoxes));
        batch.indices.push_back(index);
    }

    const auto rows = static_cast<std::int64_t>(images.size());
    imaging::ImageSpec spec = options_.spec;
    if (cropping()) {
        spec.width = spec.height = options_.cropSide;
    }
    batch.images = at::empty({rows, spec.channels, spec.height, spec.width},
                             at::TensorOptions().dtype(at::kFloat).pinned_memory(pinMemory_));
    batch.labels = at::empty({rows}, at::TensorOptions().dtype(at::kLong));
    float* pixels = batch.images.data_ptr<float>();
    std::int64_t* labels = batch.labels.data_ptr<std::int64_t>();
    const std::size_t stride = static_cast<std::size_t>(spec.channels) * spec.height * spec.width;
    for (std::size_t row = 0; row < images.size(); ++row) {
        imaging::writePlanarFloats(images[row], pixels + row * stride);
        labels[row] = samples_[batch.indices[row]].label;
    }
    if (options_.masks) {
        batch.masks = at::empty({rows, spec.height, spec.width},
                                at::TensorOptions().dtype(at::kLong).pinned_memory(pinMemory_));
        std::int64_t* classes = batch.masks.data_ptr<std::int64_t>();
        const std::size_t plane = static_cast<std::size_t>(spec.height) * spec.width;
        for (std::size_t row = 0; row < masks.size(); ++row) {
            const std::uint8_t* in = masks[row].ptr<std::uint8_t>(0);
            std::copy(in, in + plane, classes + row * plane);
        }
    }
    if (options_.boxes) {
        batch.boxes = boxTensor(boxes, pinMemory_);
    }
    return batch;
}

std::vector<LoaderFailure> BatchLoader::failures() const {
    std::lock_guard lock(failuresMutex_);
    return failures_;
}

std::size_t BatchLoader::failureCount() const {
    std::lock_guard lock(failuresMutex_);
    return failures_.size();
}

bool BatchLoader::cacheEnabled() const {
    return cache_->enabled();
}

std::size_t BatchLoader::cachedImages() const {
    return cache_->size();
}

} // namespace kestrel::loader
