#pragma once

#include "annotations/shape.h"

#include <string>
#include <string_view>

namespace kestrel::annotations {

// The store's `annotations.geometry` text for a shape (its kind's geometry and the format
// flags), and back. The kind, class, hidden flag and mask file live in columns of their own.
//   box      {"x":..,"y":..,"width":..,"height":..}
//   polygon  {"points":[x0,y0,x1,y1,...]}
//   mask     {"size":[height,width],"counts":"<COCO compressed RLE>"}
// plus "crowd", "difficult" and "truncated" when true.
std::string geometryJson(const Shape& shape);
// Fills the geometry and flags of `shape` (whose kind is set) from the text; throws
// kestrel::Error naming `what` when it does not hold the kind's geometry.
void readGeometryJson(Shape& shape, std::string_view json, const std::string& what);

} // namespace kestrel::annotations
