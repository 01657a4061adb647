#pragma once

#include "annotations/shape.h"

namespace kestrel::imaging {

// A detector's target: a box around a defect, in pixel corner coordinates (pixel i spans
// [i, i + 1], COCO's convention), and its class index. Apart from box_geometry.h so that
// loader options stay free of OpenCV.
struct ClassBox {
    int category = 0;
    annotations::Box box;
};

} // namespace kestrel::imaging
