#pragma once

#include <string>
#include <vector>

namespace kestrel::store {
class Database;
}

namespace kestrel::dataset {

// Readable samples whose files have identical bytes. When they sit in different splits the
// model is tested on what it trained on: that is leakage.
struct DuplicateGroup {
    std::string contentHash;
    std::vector<std::string> paths;
    bool leakage = false;
};

std::vector<DuplicateGroup> findDuplicates(store::Database& db);

} // namespace kestrel::dataset
