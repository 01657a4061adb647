#include "runs/defect_classes.h"

#include "inspection/operating_point.h"
#include "project/project.h"
#include "store/sample_repository.h"

namespace kestrel::runs {

DefectClasses defectClasses(Project& project, int first) {
    const std::vector<store::ClassRow> rows = store::SampleRepository(project.database()).classes();
    std::vector<std::string> all;
    for (const auto& row : rows) {
        all.push_back(row.name);
    }
    const auto good = inspection::findGoodClass(all);
    DefectClasses result;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (good && *good == i) {
            result.goodClassId = rows[i].id;
            continue;
        }
        result.indexOf[rows[i].id] = first + static_cast<int>(result.names.size());
        result.names.push_back(rows[i].name);
    }
    return result;
}

} // namespace kestrel::runs
