#include "dataset/duplicates.h"

#include "store/sample_repository.h"

#include <set>

namespace kestrel::dataset {

std::vector<DuplicateGroup> findDuplicates(store::Database& db) {
    std::vector<DuplicateGroup> groups;
    std::set<std::string> splits;
    for (store::DuplicateRow& row : store::SampleRepository(db).duplicates()) {
        if (groups.empty() || groups.back().contentHash != row.contentHash) {
            splits.clear();
            groups.push_back({std::move(row.contentHash), {}, false});
        }
        groups.back().paths.push_back(std::move(row.path));
        if (!row.split.empty()) {
            splits.insert(row.split);
        }
        groups.back().leakage = splits.size() > 1;
    }
    return groups;
}

} // namespace kestrel::dataset
