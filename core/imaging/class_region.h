#pragma once

#include "annotations/shape.h"

namespace kestrel::imaging {

// A region painted into a per-pixel class target: a polygon or a mask (RLE, at the image's
// size) and the value its pixels get (1..255; 0 is background). Apart from class_mask.h so
// that loader options stay free of OpenCV.
struct ClassRegion {
    int value = 1;
    annotations::Shape shape;
};

} // namespace kestrel::imaging
