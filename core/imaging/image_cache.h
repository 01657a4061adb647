#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace kestrel::imaging {

// Decoded, resized images kept between epochs, one slot per sample. All or nothing: it is
// enabled only when every sample fits the budget, so an enabled cache never evicts and a
// second epoch decodes no file. Safe to use from several threads.
class ImageCache {
public:
    ImageCache(std::size_t count, std::uint64_t bytesPerImage, std::uint64_t budgetBytes);

    bool enabled() const { return enabled_; }
    // True and `image` set (sharing the cached pixels; do not write them) when cached.
    bool find(std::size_t index, cv::Mat& image) const;
    void store(std::size_t index, const cv::Mat& image);
    std::size_t size() const;

private:
    bool enabled_ = false;
    mutable std::mutex mutex_;
    std::vector<cv::Mat> images_;
    std::size_t stored_ = 0;
};

} // namespace kestrel::imaging
