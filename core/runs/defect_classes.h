#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::runs {

// The project's classes a region-trained task (segmentation, detection) learns: every class
// but the good one (inspection::findGoodClass), in the project's order.
struct DefectClasses {
    std::vector<std::string> names;      // after `first` names the caller puts in front
    std::map<std::int64_t, int> indexOf; // class id -> index, counting from `first`
    std::int64_t goodClassId = -1;       // -1 when the project has no good class
};

DefectClasses defectClasses(Project& project, int first);

} // namespace kestrel::runs
