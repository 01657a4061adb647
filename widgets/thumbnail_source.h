#pragma once

#include "dataset/sample_catalog.h"

#include <cstdint>

#include <QImage>
#include <QObject>

namespace kestrel::widgets {

// Where the sample views get thumbnails. The app implements it with decoding on worker
// threads; the views only ask, and repaint when thumbnailReady says an answer came.
class ThumbnailSource : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    // The thumbnail when it is at hand; otherwise a null image, and the load is queued.
    virtual QImage thumbnail(const kestrel::dataset::CatalogSample& sample) = 0;
    // True once a load has failed (a moved or damaged file), so the grid can say so.
    virtual bool thumbnailFailed(std::int64_t sampleId) const = 0;

signals:
    void thumbnailReady(std::int64_t sampleId);
};

} // namespace kestrel::widgets
