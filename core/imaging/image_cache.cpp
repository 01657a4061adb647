#include "imaging/image_cache.h"

namespace kestrel::imaging {

ImageCache::ImageCache(std::size_t count, std::uint64_t bytesPerImage, std::uint64_t budgetBytes)
    : enabled_(count > 0 && bytesPerImage > 0 && count <= budgetBytes / bytesPerImage) {
    if (enabled_) {
        images_.resize(count);
    }
}

bool ImageCache::find(std::size_t index, cv::Mat& image) const {
    if (!enabled_) {
        return false;
    }
    std::lock_guard lock(mutex_);
    if (images_[index].empty()) {
        return false;
    }
    image = images_[index];
    return true;
}

void ImageCache::store(std::size_t index, const cv::Mat& image) {
    if (!enabled_) {
        return;
    }
    std::lock_guard lock(mutex_);
    if (images_[index].empty()) {
        images_[index] = image;
        ++stored_;
    }
}

std::size_t ImageCache::size() const {
    std::lock_guard lock(mutex_);
    return stored_;
}

} // namespace kestrel::imaging
