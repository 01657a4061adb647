#include "imaging/image_cache.h"

namespace kestrel::imaging {

ImageCache::ImageCache(std::size_t count, std::uint64_t bytesPerImage, std::uint64_t budgetBytes)
    : enabled_(count > 0 && bytesPerImage > 0 && count <= budgetBytes / bytesPerImage) {
    if (enabled_) {
        slots_.resize(count);
    }
}

bool ImageCache::find(std::size_t index, cv::Mat& image, cv::Mat* mask) const {
    if (!enabled_) {
        return false;
    }
    std::lock_guard lock(mutex_);
    const Slot& slot = slots_[index];
    if (slot.image.empty()) {
        return false;
    }
    image = slot.image;
    if (mask != nullptr) {
        *mask = slot.mask;
    }
    return true;
}

void ImageCache::store(std::size_t index, const cv::Mat& image, const cv::Mat& mask) {
    if (!enabled_) {
        return;
    }
    std::lock_guard lock(mutex_);
    Slot& slot = slots_[index];
    if (slot.image.empty()) {
        slot.image = image;
        slot.mask = mask;
        ++stored_;
    }
}

std::size_t ImageCache::size() const {
    std::lock_guard lock(mutex_);
    return stored_;
}

} // namespace kestrel::imaging
