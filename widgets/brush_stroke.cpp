#include "brush_stroke.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace kestrel::widgets {

namespace {

using annotations::RleMask;

// The least room the buffers grow by on each side, in image pixels: a brush moving on then
// needs new buffers only every so often, each at least half as large again.
constexpr int kMinGrowth = 128;

// Builds COCO counts from runs handed in order: a run of the same value as the last one
// lengthens it, so the counts come out as encodeMask's (zeros first, no empty runs after).
class RunWriter {
public:
    void append(bool set, std::uint64_t length) {
        if (length == 0) {
            return;
        }
        if (counts_.empty() && set) {
            counts_.push_back(0);
        }
        if (!counts_.empty() && set == last_) {
            counts_.back() += std::uint32_t(length);
        } else {
            counts_.push_back(std::uint32_t(length));
        }
        last_ = set;
    }
    std::vector<std::uint32_t> finish() {
        if (counts_.empty()) {
            counts_.push_back(0);
        }
        return std::move(counts_);
    }

private:
    std::vector<std::uint32_t> counts_;
    bool last_ = false;
};

// Walks a mask's runs forward in column-major pixel positions; past the last count the
// pixels read as unset.
class RunReader {
public:
    explicit RunReader(const RleMask& mask) : counts_(mask.counts) { load(); }

    // Hands the runs from here up to `end` to `out` (nothing when there already).
    void copyTo(RunWriter& out, std::uint64_t end) { advance(end, &out); }
    void skipTo(std::uint64_t end) { advance(end, nullptr); }

private:
    void load() {
        left_ =
            index_ < counts_.size() ? counts_[index_] : std::numeric_limits<std::uint64_t>::max();
    }
    void advance(std::uint64_t end, RunWriter* out) {
        while (position_ < end) {
            const std::uint64_t take = std::min(left_, end - position_);
            if (out != nullptr) {
                out->append(index_ % 2 == 1 && index_ < counts_.size(), take);
            }
            position_ += take;
            left_ -= take;
            if (left_ == 0) {
                ++index_;
                load();
            }
        }
    }

    const std::vector<std::uint32_t>& counts_;
    std::size_t index_ = 0;
    std::uint64_t left_ = 0; // of run index_
    std::uint64_t position_ = 0;
};

} // namespace

BrushStroke::BrushStroke(const RleMask& start, const MaskPicture& startPicture, QSize size,
                         QColor color, bool erase, double diameter)
    : colour_(qPremultiply(QColor(color.red(), color.green(), color.blue()).rgba())), erase_(erase),
      radius_(std::max(0.5, diameter / 2.0)) {
    const bool own = start.width > 0 && start.height > 0 && !start.counts.empty();
    if (own) {
        size = QSize(start.width, start.height);
        start_ = start;
    } else {
        start_ = RleMask{size.width(), size.height(), {}};
    }
    image_ = QRect(QPoint(0, 0), size);
    if (!own || startPicture.isEmpty()) {
        return;
    }
    extent_ = QRect(startPicture.origin, startPicture.fill.size()).intersected(image_);
    if (extent_.isEmpty()) {
        return;
    }
    cover(extent_);
    const int width = startPicture.fill.width();
    for (int y = extent_.top(); y <= extent_.bottom(); ++y) {
        const std::uint8_t* source = startPicture.bits.data() +
                                     std::size_t(y - startPicture.origin.y()) * std::size_t(width) +
                                     std::size_t(extent_.left() - startPicture.origin.x());
        std::memcpy(&bit(extent_.left(), y), source, std::size_t(extent_.width()));
        QRgb* row = &pixel(extent_.left(), y);
        for (int x = 0; x < extent_.width(); ++x) {
            row[x] = source[x] != 0 ? colour_ : 0;
        }
    }
}

void BrushStroke::cover(const QRect& area) {
    if (region_.contains(area)) {
        return;
    }
    QRect wanted = region_.isEmpty() ? area : (region_ | area);
    const int growX = std::max(kMinGrowth, wanted.width() / 2);
    const int growY = std::max(kMinGrowth, wanted.height() / 2);
    wanted = wanted.adjusted(-growX, -growY, growX, growY).intersected(image_);
    QImage bits(wanted.size(), QImage::Format_Grayscale8);
    bits.fill(0);
    QImage picture(wanted.size(), QImage::Format_ARGB32_Premultiplied);
    picture.fill(0);
    const QPoint offset = region_.topLeft() - wanted.topLeft();
    for (int y = 0; y < region_.height(); ++y) {
        std::memcpy(bits.scanLine(y + offset.y()) + offset.x(), bits_.constScanLine(y),
                    std::size_t(region_.width()));
        std::memcpy(picture.scanLine(y + offset.y()) + std::size_t(offset.x()) * sizeof(QRgb),
                    picture_.constScanLine(y), std::size_t(region_.width()) * sizeof(QRgb));
    }
    bits_ = std::move(bits);
    picture_ = std::move(picture);
    region_ = wanted;
}

QRect BrushStroke::addSegment(const QPointF& from, const QPointF& to) {
    const double left = std::min(from.x(), to.x()) - radius_;
    const double top = std::min(from.y(), to.y()) - radius_;
    const double right = std::max(from.x(), to.x()) + radius_;
    const double bottom = std::max(from.y(), to.y()) + radius_;
    const QRect area = QRect(QPoint(int(std::floor(left)), int(std::floor(top))),
                             QPoint(int(std::ceil(right)), int(std::ceil(bottom))))
                           .intersected(image_);
    if (area.isEmpty()) {
        return area;
    }
    if (!erase_) { // erasing never sets a pixel outside what was there
        extent_ |= area;
    }
    cover(area);
    const std::uint8_t value = erase_ ? 0 : 1;
    const QRgb colour = erase_ ? 0 : colour_;
    bool changedHere = false;
    for (int y = area.top(); y <= area.bottom(); ++y) {
        std::uint8_t* bitsRow = &bit(area.left(), y);
        QRgb* pictureRow = &pixel(area.left(), y);
        for (int x = area.left(); x <= area.right(); ++x) {
            const int i = x - area.left();
            if (bitsRow[i] != value &&
                distanceToSegment(QPointF(x + 0.5, y + 0.5), from, to) <= radius_) {
                bitsRow[i] = value;
                pictureRow[i] = colour;
                changedHere = true;
            }
        }
    }
    if (changedHere) {
        touched_ |= area;
        changed_ = true;
    }
    return area;
}

RleMask BrushStroke::result() const {
    const auto height = std::uint64_t(image_.height());
    RunWriter out;
    RunReader original(start_);
    if (!touched_.isEmpty()) {
        for (int x = touched_.left(); x <= touched_.right(); ++x) {
            const std::uint64_t column = std::uint64_t(x) * height;
            original.copyTo(out, column + std::uint64_t(touched_.top()));
            for (int y = touched_.top(); y <= touched_.bottom(); ++y) {
                const int row = y - region_.top();
                out.append(bits_.constScanLine(row)[x - region_.left()] != 0, 1);
            }
            original.skipTo(column + std::uint64_t(touched_.bottom()) + 1);
        }
    }
    original.copyTo(out, std::uint64_t(image_.width()) * height);
    return RleMask{image_.width(), image_.height(), out.finish()};
}

} // namespace kestrel::widgets
