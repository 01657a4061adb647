#pragma once

#include "annotations/shape.h"
#include "dataset/import_source.h"

#include <string>
#include <vector>

namespace kestrel::dataset {

// An import item's shapes made to fit its image as read (width x height): YOLO's fractions
// scaled to pixels; a declared size that differs from the image reported; boxes and polygons
// that cross the border clipped to it, saying so; shapes wholly outside, empty boxes and
// masks of another size left out, saying so. One sentence per problem, appended to `problems`.
std::vector<annotations::LabelledShape>
fitShapesToImage(const ImportItem& item, int width, int height, std::vector<std::string>& problems);

} // namespace kestrel::dataset
