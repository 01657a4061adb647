#include "dataset/duplicates.h"

#include "store/sqlite.h"

#include <set>

namespace kestrel::dataset {

std::vector<DuplicateGroup> findDuplicates(store::Database& db) {
    store::Statement query(db, R"sql(
        SELECT content_hash, path, coalesce(split, '')
        FROM samples
        WHERE status != 'unreadable' AND content_hash IN (
            SELECT content_hash FROM samples
            WHERE status != 'unreadable' AND content_hash IS NOT NULL
            GROUP BY content_hash HAVING count(*) > 1)
        ORDER BY content_hash, path)sql");
    std::vector<DuplicateGroup> groups;
    std::set<std::string> splits;
    while (query.step()) {
        std::string hash = query.columnText(0);
        if (groups.empty() || groups.back().contentHash != hash) {
            splits.clear();
            groups.push_back({std::move(hash), {}, false});
        }
        groups.back().paths.push_back(query.columnText(1));
        const std::string split = query.columnText(2);
        if (!split.empty()) {
            splits.insert(split);
        }
        groups.back().leakage = splits.size() > 1;
    }
    return groups;
}

} // namespace kestrel::dataset
