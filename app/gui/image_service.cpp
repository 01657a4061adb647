#include "image_service.h"

#include "imaging/preview.h"

#include <QMetaObject>

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace kestrel::app {

namespace {

// Rows this far behind the newest requests have scrolled out of view; making their
// thumbnails now would only delay the ones on screen.
constexpr std::size_t kMaxQueued = 400;

QImage toQImage(const imaging::PreviewImage& preview) {
    const QImage::Format format =
        preview.channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888;
    const QImage view(preview.pixels.data(), preview.width, preview.height,
                      preview.width * preview.channels, format);
    return view.copy(); // owns its pixels once `preview` is gone
}

// Decoding yields the CPU to the GUI thread: on a 2-core machine a thumbnail worker at the
// same priority can hold off a paint for a whole time slice. Linux keeps a nice value per
// thread; elsewhere this does nothing.
void lowerThisThreadsPriority() {
#ifdef __linux__
    thread_local bool lowered = false;
    if (!lowered) {
        lowered = true;
        setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 5);
    }
#endif
}

} // namespace

ImageService::ImageService(QObject* parent) : ThumbnailSource(parent) {
    // Leave a core for the GUI thread on small machines; decoding is not worth a stutter.
    thumbnailWorkers_.setMaxThreadCount(std::max(1, QThread::idealThreadCount() - 1));
    imageWorker_.setMaxThreadCount(1);
    cache_.setMaxCost(128 * 1024); // in KiB: about 3,500 colour thumbnails
}

ImageService::~ImageService() {
    {
        std::lock_guard lock(mutex_);
        queue_.clear();
        ++generation_;
    }
    thumbnailWorkers_.waitForDone();
    imageWorker_.waitForDone();
}

void ImageService::setCacheFolder(const QString& folder) {
    std::lock_guard lock(mutex_);
    cacheFolder_ = folder.toStdString();
    queue_.clear();
    queued_.clear();
    ++generation_;
    cache_.clear();
    failed_.clear();
}

std::size_t ImageService::pendingThumbnails() const {
    std::lock_guard lock(mutex_);
    return queued_.size();
}

QImage ImageService::thumbnail(const dataset::CatalogSample& sample) {
    if (const QImage* cached = cache_.object(sample.id)) {
        return *cached;
    }
    if (failed_.count(sample.id) != 0) {
        return {};
    }
    std::lock_guard lock(mutex_);
    if (!queued_.insert(sample.id).second) {
        return {};
    }
    queue_.push_back({sample.id, sample.path, sample.contentHash, generation_});
    while (queue_.size() > kMaxQueued) {
        queued_.erase(queue_.front().sampleId);
        queue_.pop_front();
    }
    // A worker drains the queue until it is empty; start one only while some are idle, as
    // a task per request costs the GUI thread a pool start each.
    if (drainers_ < thumbnailWorkers_.maxThreadCount()) { // under the lock: see drain
        ++drainers_;
        thumbnailWorkers_.start([this] { drainThumbnails(); });
    }
    return {};
}

bool ImageService::thumbnailFailed(std::int64_t sampleId) const {
    return failed_.count(sampleId) != 0;
}

void ImageService::drainThumbnails() {
    lowerThisThreadsPriority();
    for (;;) {
        Request request;
        std::filesystem::path cacheFolder;
        {
            std::lock_guard lock(mutex_);
            if (queue_.empty()) {
                --drainers_; // under the lock, so a request queued now starts a new drainer
                return;
            }
            request = queue_.back(); // newest first: what is on screen now
            queue_.pop_back();
            cacheFolder = cacheFolder_;
        }
        makeThumbnail(request, cacheFolder);
    }
}

void ImageService::makeThumbnail(const Request& request, const std::filesystem::path& cacheFolder) {
    QImage image;
    try {
        image = toQImage(
            imaging::loadThumbnail(request.file, request.contentHash, cacheFolder, kThumbnailSide));
    } catch (const std::exception&) {
        // Left null: the grid shows the sample without a picture; its status says why.
    }
    QMetaObject::invokeMethod(
        this,
        [this, generation = request.generation, id = request.sampleId, image] {
            deliverThumbnail(generation, id, image);
        },
        Qt::QueuedConnection);
}

void ImageService::deliverThumbnail(quint64 generation, std::int64_t sampleId,
                                    const QImage& image) {
    {
        std::lock_guard lock(mutex_);
        if (generation != generation_) {
            return; // from the project before
        }
        queued_.erase(sampleId);
    }
    if (image.isNull()) {
        failed_.insert(sampleId);
        emit thumbnailReady(sampleId); // repaint: the cell now says it has no picture
        return;
    }
    cache_.insert(sampleId, new QImage(image), static_cast<int>(image.sizeInBytes() / 1024) + 1);
    emit thumbnailReady(sampleId);
}

void ImageService::requestImage(std::int64_t sampleId, const QString& path) {
    const quint64 ticket = ++latestImage_;
    const std::filesystem::path file = path.toStdString();
    imageWorker_.start([this, ticket, sampleId, file] {
        lowerThisThreadsPriority();
        if (ticket != latestImage_.load()) {
            return; // the viewer has moved on
        }
        QImage image;
        QString error;
        try {
            image = toQImage(imaging::decodePreview(file));
        } catch (const std::exception& exception) {
            error = QString::fromStdString(exception.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, ticket, sampleId, image, error] {
                if (ticket != latestImage_.load()) {
                    return;
                }
                if (error.isEmpty()) {
                    emit imageReady(sampleId, image);
                } else {
                    emit imageFailed(sampleId, error);
                }
            },
            Qt::QueuedConnection);
    });
}

} // namespace kestrel::app
