// The sample model's shapes: which kinds each sample has (for the filters) and the outlines
// the thumbnails draw, read lazily for the rows on screen.
#include "sample_model.h"

#include <QStringList>
#include <QTimer>

namespace kestrel::widgets {

using annotations::Shape;
using annotations::ShapeKind;

namespace {

// Outlines kept at most; scrolling through a huge project reads them again past this.
constexpr std::size_t kMaxCachedOutlines = 20000;

unsigned kindFlag(ShapeKind kind) {
    switch (kind) {
    case ShapeKind::Box:
        return kBoxFlag;
    case ShapeKind::Polygon:
        return kPolygonFlag;
    case ShapeKind::Mask:
        return kMaskFlag;
    }
    return 0;
}

std::vector<ShapeOutline> outlinesOf(const std::vector<Shape>& shapes, int width, int height) {
    std::vector<ShapeOutline> outlines;
    if (width <= 0 || height <= 0) {
        return outlines; // an unreadable sample: nothing to place them on
    }
    const double sx = 1.0 / width;
    const double sy = 1.0 / height;
    for (const Shape& shape : shapes) {
        if (shape.hidden) {
            continue;
        }
        const annotations::Box box = annotations::boundsOf(shape);
        if (box.width <= 0 || box.height <= 0) {
            continue; // a mask kept as a file, or an empty one
        }
        ShapeOutline outline;
        outline.classId = shape.classId;
        outline.kind = shape.kind;
        outline.bounds = QRectF(box.x * sx, box.y * sy, box.width * sx, box.height * sy);
        if (shape.kind == ShapeKind::Polygon) {
            // A thumbnail is ~100 pixels wide: a few dozen vertices draw any outline there.
            const std::size_t count = shape.points.size();
            const std::size_t step =
                (count + ShapeOutline::kMaxOutlinePoints - 1) / ShapeOutline::kMaxOutlinePoints;
            for (std::size_t i = 0; i < count; i += std::max<std::size_t>(step, 1)) {
                outline.points.append(QPointF(shape.points[i].x * sx, shape.points[i].y * sy));
            }
        }
        outlines.push_back(std::move(outline));
    }
    return outlines;
}

} // namespace

void SampleModel::setShapeKinds(std::unordered_map<std::int64_t, unsigned> kinds) {
    const std::size_t before = shapeKinds_.size();
    shapeKinds_ = std::move(kinds);
    outlines_.clear();
    outlinesAsked_.clear();
    repaintAll();
    if (shapeKinds_.size() != before) {
        emit samplesWithShapesChanged();
    }
}

unsigned SampleModel::shapeKinds(std::int64_t sampleId) const {
    const auto found = shapeKinds_.find(sampleId);
    return found == shapeKinds_.end() ? 0 : found->second;
}

QString SampleModel::unlabelledCaption(unsigned shapeKinds) {
    QStringList kinds;
    if ((shapeKinds & kBoxFlag) != 0) {
        kinds << tr("boxes");
    }
    if ((shapeKinds & kPolygonFlag) != 0) {
        kinds << tr("polygons");
    }
    if ((shapeKinds & kMaskFlag) != 0) {
        kinds << tr("masks");
    }
    return kinds.isEmpty() ? tr("unlabelled") : kinds.join(QStringLiteral(", "));
}

bool SampleModel::shapesMatch(const dataset::CatalogSample& sample) const {
    const unsigned kinds = shapeKinds(sample.id);
    switch (filter_.show) {
    case SampleFilter::Show::HasBoxes:
        return (kinds & kBoxFlag) != 0;
    case SampleFilter::Show::HasPolygons:
        return (kinds & kPolygonFlag) != 0;
    case SampleFilter::Show::HasMasks:
        return (kinds & kMaskFlag) != 0;
    case SampleFilter::Show::NoShapes:
        return kinds == 0 && sample.status != "unreadable";
    default:
        return true;
    }
}

void SampleModel::setSampleShapes(std::int64_t sampleId, const std::vector<Shape>& shapes) {
    unsigned kinds = 0;
    for (const Shape& shape : shapes) {
        kinds |= kindFlag(shape.kind);
    }
    const std::size_t before = shapeKinds_.size();
    const unsigned kindsBefore = shapeKinds(sampleId);
    if (kinds == 0) {
        shapeKinds_.erase(sampleId);
    } else {
        shapeKinds_[sampleId] = kinds;
    }
    setShapesOf({{sampleId, shapes}});
    if (shapeKinds_.size() != before) {
        emit samplesWithShapesChanged();
    }
    if (kinds != kindsBefore) {
        emit shapeKindsChanged(sampleId);
    }
}

void SampleModel::setShapesOf(const std::unordered_map<std::int64_t, std::vector<Shape>>& shapes) {
    if (outlines_.size() + shapes.size() > kMaxCachedOutlines) {
        outlines_.clear();
    }
    for (const auto& [sampleId, sampleShapes] : shapes) {
        outlinesAsked_.erase(sampleId);
        const std::ptrdiff_t index = indexOf(sampleId);
        if (index < 0) {
            continue;
        }
        const auto& sample = samples_[static_cast<std::size_t>(index)];
        outlines_[sampleId] = outlinesOf(sampleShapes, sample.width, sample.height);
        rowChanged(static_cast<std::size_t>(index));
    }
}

const std::vector<ShapeOutline>* SampleModel::shapeOutlines(std::int64_t sampleId) const {
    const auto found = outlines_.find(sampleId);
    if (found != outlines_.end()) {
        return &found->second;
    }
    if (shapeKinds(sampleId) != 0 && outlinesAsked_.insert(sampleId).second) {
        if (outlinesWanted_.empty()) {
            // One request for every cell painted in this pass, sent once the view is done.
            QTimer::singleShot(0, const_cast<SampleModel*>(this), &SampleModel::sendWantedShapes);
        }
        outlinesWanted_.push_back(sampleId);
    }
    return nullptr;
}

void SampleModel::sendWantedShapes() {
    std::vector<std::int64_t> wanted;
    wanted.swap(outlinesWanted_);
    if (!wanted.empty()) {
        emit shapesWanted(wanted);
    }
}

} // namespace kestrel::widgets
