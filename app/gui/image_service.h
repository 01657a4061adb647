#pragma once

#include "thumbnail_source.h"

#include <atomic>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <unordered_set>

#include <QCache>
#include <QImage>
#include <QThreadPool>

namespace kestrel::app {

// Decodes images for the window on worker threads: thumbnails for the grid (cached in
// memory and under the project's cache folder) and whole images for the viewer.
// Thumbnails asked for last are made first, so the rows on screen win while scrolling, and
// requests that have scrolled far out of view are dropped.
class ImageService : public widgets::ThumbnailSource {
    Q_OBJECT
public:
    static constexpr int kThumbnailSide = 112;

    explicit ImageService(QObject* parent = nullptr);
    ~ImageService() override;

    // A new project (its cache folder): forget every thumbnail and request of the last one.
    void setCacheFolder(const QString& folder);

    QImage thumbnail(const kestrel::dataset::CatalogSample& sample) override;
    bool thumbnailFailed(std::int64_t sampleId) const override;
    std::size_t pendingThumbnails() const;

public slots:
    // The latest request wins: a viewer that has moved on does not wait for older images.
    void requestImage(std::int64_t sampleId, const QString& path);

signals:
    void imageReady(std::int64_t sampleId, const QImage& image);
    void imageFailed(std::int64_t sampleId, const QString& message);

private:
    struct Request {
        std::int64_t sampleId;
        std::filesystem::path file;
        std::string contentHash;
        quint64 generation;
    };
    void drainThumbnails();
    void makeThumbnail(const Request& request, const std::filesystem::path& cacheFolder);
    void deliverThumbnail(quint64 generation, std::int64_t sampleId, const QImage& image);

    QThreadPool thumbnailWorkers_;
    QThreadPool imageWorker_;
    QCache<std::int64_t, QImage> cache_;
    std::unordered_set<std::int64_t> failed_; // unreadable: asked once, not again

    mutable std::mutex mutex_; // guards the fields below, shared with the workers
    std::deque<Request> queue_;
    std::unordered_set<std::int64_t> queued_;
    std::filesystem::path cacheFolder_;
    quint64 generation_ = 0;
    int drainers_ = 0; // workers draining the queue now

    std::atomic<quint64> latestImage_{0};
};

} // namespace kestrel::app
