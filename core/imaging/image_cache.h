#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace kestrel::imaging {

// Decoded, resized images kept between epochs, one slot per sample, each with its class
// mask when the loader builds per-pixel targets (stored together, so a slot never holds one
// without the other). All or nothing: it is enabled only when every sample fits the budget,
// so an enabled cache never evicts and a second epoch decodes no file. Safe to use from
// several threads.
class ImageCache {
public:
    // `bytesPerImage` counts all a slot holds: the image and, when there is one, its mask.
    ImageCache(std::size_t count, std::uint64_t bytesPerImage, std::uint64_t budgetBytes);

    bool enabled() const { return enabled_; }
    // True and `image` (and `*mask`, empty if none was stored) set, sharing the cached pixels
    // (do not write them), when cached.
    bool find(std::size_t index, cv::Mat& image, cv::Mat* mask = nullptr) const;
    void store(std::size_t index, const cv::Mat& image, const cv::Mat& mask = cv::Mat());
    std::size_t size() const;

private:
    struct Slot {
        cv::Mat image;
        cv::Mat mask;
    };

    bool enabled_ = false;
    mutable std::mutex mutex_;
    std::vector<Slot> slots_;
    std::size_t stored_ = 0;
};

} // namespace kestrel::imaging
