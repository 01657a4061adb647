#include "detection_figures.h"

#include <algorithm>

namespace kestrel::widgets {

const ClassDetectionFigures* DetectionFigures::find(const QString& name) const {
    const auto found =
        std::find_if(classes.begin(), classes.end(), [&name](const ClassDetectionFigures& figures) {
            return figures.name == name;
        });
    return found == classes.end() ? nullptr : &*found;
}

} // namespace kestrel::widgets
