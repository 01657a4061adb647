#pragma once

#include "annotations/shape.h"
#include "shape_picture.h"

#include <QColor>
#include <QImage>
#include <QPointF>
#include <QRect>
#include <QSize>

namespace kestrel::widgets {

// A brush or eraser drag on a mask: the mask being painted, one byte per pixel plus a
// coloured picture of it for the viewer, both updated only where the brush passes. Both
// cover only the part of the image the mask and the brush reach (grown as the brush moves
// on), so every step costs what they cover, not the image's size: a stroke on a 3 Mpx image
// must stay within a frame (bench/annotation_bench.sh).
class BrushStroke {
public:
    // Starts from `start` (an empty mask of `size` when it has no pixels of its own), whose
    // pictureOfMask() the editor already holds as `startPicture` (any colour).
    BrushStroke(const annotations::RleMask& start, const MaskPicture& startPicture, QSize size,
                QColor color, bool erase, double diameter);

    // Paints (or clears) every pixel whose centre lies within diameter/2 of the segment
    // from `from` to `to`, in image coordinates. Returns the pixels it may have changed.
    QRect addSegment(const QPointF& from, const QPointF& to);

    // The colour on set pixels, transparent elsewhere, over pictureRect() of the image.
    const QImage& picture() const { return picture_; }
    QRect pictureRect() const { return region_; }
    // Where the picture can have set pixels: the starting mask's and the brush's reach. The
    // viewer draws only this part, however large the image.
    QRect extent() const { return extent_; }
    bool erases() const { return erase_; }
    bool changed() const { return changed_; }
    // The starting mask with the changed pixels spliced into its runs: only the columns the
    // brush changed are encoded anew.
    annotations::RleMask result() const;

private:
    void cover(const QRect& area); // grows the buffers to hold `area`
    std::uint8_t& bit(int x, int y) {
        return bits_.scanLine(y - region_.top())[x - region_.left()];
    }
    QRgb& pixel(int x, int y) {
        return reinterpret_cast<QRgb*>(picture_.scanLine(y - region_.top()))[x - region_.left()];
    }

    annotations::RleMask start_; // with its runs: what result() keeps outside touched_
    QRect image_;                // the whole mask
    QRect region_;               // of the image that bits_ and picture_ cover
    QImage bits_;                // Format_Grayscale8: 1 set, 0 not
    QImage picture_;
    QRect extent_;
    QRect touched_; // every pixel the brush changed lies within
    QRgb colour_;
    bool erase_;
    double radius_;
    bool changed_ = false;
};

} // namespace kestrel::widgets
