#include "dataset/sample_query.h"

#include "project/project.h"
#include "store/sample_repository.h"

#include <map>

namespace kestrel::dataset {

LabelledSamples labelledSamples(Project& project, const std::optional<std::string>& split) {
    store::SampleRepository repository(project.database());
    LabelledSamples result;
    std::map<std::int64_t, std::int64_t> indexOfClass;
    for (const store::ClassRow& row : repository.classes()) {
        indexOfClass[row.id] = static_cast<std::int64_t>(result.classes.size());
        result.classes.push_back(row.name);
    }
    for (store::LabelledSampleRow& row : repository.labelledSamples(split)) {
        result.samples.push_back({project.absolutePath(row.path), indexOfClass.at(row.classId),
                                  row.id, std::move(row.path)});
    }
    return result;
}

} // namespace kestrel::dataset
