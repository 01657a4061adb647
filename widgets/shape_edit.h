#pragma once

#include "annotations/shape.h"

#include <cstdint>
#include <vector>

#include <QMetaType>

namespace kestrel::widgets {

// One user edit of the shapes on one sample, as the annotation editor asks for it and the
// undo stack keeps it. `before`: the shapes as stored that the edit changes or removes;
// `after`: what they become (the same id) or the new ones (id 0). Undo is the swap.
struct ShapeEdit {
    std::int64_t sampleId = 0;
    std::vector<annotations::Shape> before;
    std::vector<annotations::Shape> after;
};

} // namespace kestrel::widgets

Q_DECLARE_METATYPE(kestrel::widgets::ShapeEdit)
