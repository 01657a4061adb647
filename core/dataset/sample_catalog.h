#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::dataset {

// A class as the workbench lists it. `hotkey` is 1-9 for the first nine classes in project
// order (or the one stored for the class), 0 for none; `color` is "#rrggbb".
struct CatalogClass {
    std::int64_t id = 0;
    std::string name;
    std::string color;
    int hotkey = 0;
    std::int64_t count = 0;  // samples labelled with it, readable or not
    std::int64_t shapes = 0; // its boxes, polygons and masks
};

// One sample as the browser shows it. classId 0 means unlabelled; split is empty when the
// sample has none; status is "ok", "unreadable" or "missing".
struct CatalogSample {
    std::int64_t id = 0;
    std::string path;     // absolute
    std::string fileName; // the last path component, for sorting and search
    int width = 0;
    int height = 0;
    int channels = 0;
    std::string split;
    std::string status;
    std::string statusReason;
    std::string contentHash;
    std::int64_t classId = 0;
    bool duplicate = false; // another readable sample has identical bytes
    // Positions in natural order (case ignored, digit runs by value: "part-2" before
    // "part-10") of the file name and of the path among all samples, computed once here so
    // the window sorts 100,000 samples by comparing integers.
    std::int32_t nameOrder = 0;
    std::int32_t pathOrder = 0;
    std::string searchText; // the path through searchFolded(), for file-name search
};

struct SampleCatalog {
    std::vector<CatalogClass> classes;  // project order
    std::vector<CatalogSample> samples; // by id
    std::int64_t datasetVersion = 0;
};

// Everything the workbench lists, in two queries; about 0.2 s for 100,000 samples.
SampleCatalog loadCatalog(Project& project);
std::vector<CatalogClass> loadCatalogClasses(Project& project);

// The colour a class gets when none is stored: a fixed palette by position, so colours stay
// put between sessions.
std::string defaultClassColor(std::size_t position);

// Search folds case of ASCII letters only: enough for file names, and a byte scan of
// 100,000 paths stays within a frame. Other characters must match exactly.
std::string searchFolded(std::string text);

// Natural order: negative, zero or positive as `a` sorts before, with or after `b`.
int naturalCompare(std::string_view a, std::string_view b);

} // namespace kestrel::dataset
