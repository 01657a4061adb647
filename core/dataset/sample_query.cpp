#include "dataset/sample_query.h"

#include "project/project.h"
#include "store/sqlite.h"

#include <map>

namespace kestrel::dataset {

LabelledSamples labelledSamples(Project& project, const std::optional<std::string>& split) {
    store::Database& db = project.database();
    LabelledSamples result;
    std::map<std::int64_t, std::int64_t> indexOfClass;
    store::Statement classes(db, "SELECT id, name FROM classes ORDER BY position, id");
    while (classes.step()) {
        indexOfClass[classes.columnInt(0)] = static_cast<std::int64_t>(result.classes.size());
        result.classes.push_back(classes.columnText(1));
    }

    store::Statement samples(db, R"sql(
        SELECT s.path, l.class_id, s.id FROM samples s JOIN labels l ON l.sample_id = s.id
        WHERE s.status = 'ok' AND (?1 IS NULL OR s.split = ?1)
        ORDER BY s.id)sql");
    if (split) {
        samples.bind(1, *split);
    } else {
        samples.bindNull(1);
    }
    while (samples.step()) {
        std::filesystem::path file = samples.columnText(0);
        if (file.is_relative()) {
            file = project.folder() / file;
        }
        result.samples.push_back(
            {std::move(file), indexOfClass.at(samples.columnInt(1)), samples.columnInt(2)});
    }
    return result;
}

} // namespace kestrel::dataset
