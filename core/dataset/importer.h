#pragma once

#include "dataset/duplicates.h"
#include "dataset/import_source.h"
#include "dataset/split_plan.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::dataset {

struct ImportOptions {
    ImportFormat format = ImportFormat::Auto;
    std::vector<std::string> classNames; // idx: names by label number
    SplitRatios ratios;
    std::uint64_t seed = 42; // for stratified splits
    unsigned workers = 0;    // threads reading and decoding; 0: one per core
    std::optional<std::filesystem::path> imagesFolder; // COCO: where the images are
};

struct ImportProgress {
    std::string phase; // "scanning", "extracting", "reading", "saving"
    std::size_t done = 0;
    std::size_t total = 0;
};

struct UnreadableFile {
    std::string path;
    std::string reason;
};

struct ImportReport {
    ImportFormat format = ImportFormat::Auto; // the format used, after detection
    std::size_t found = 0;                    // images the source offered
    std::size_t added = 0;                    // new readable samples
    std::size_t alreadyPresent = 0;         // skipped: the project has them from an earlier import
    std::vector<UnreadableFile> unreadable; // new files that could not be decoded
    std::vector<std::string> classesCreated;
    std::size_t masks = 0; // ground-truth masks attached (MVTec files)
    std::size_t boxes = 0; // shapes attached from annotated formats
    std::size_t polygons = 0;
    std::size_t maskShapes = 0;
    // One sentence per annotation that was left out, clipped or otherwise not taken as it
    // was (naming the file, the place in it and the image); the rest is imported.
    std::vector<std::string> problems;
    std::vector<DuplicateGroup> duplicates; // across the whole project, after the import
    std::int64_t datasetVersion = 0;
    bool cancelled = false; // when true, nothing was written to the project
};

using ImportProgressCallback = std::function<void(const ImportProgress&)>;

// Imports `source` into `project`: scans it, reads, hashes and decodes every new file on
// worker threads, then writes all samples, labels, splits and masks in one transaction.
// Cancelling (the flag is checked throughout) or a failure leaves the project as it was.
// Progress is reported on the calling thread. Throws kestrel::Error for a bad source.
ImportReport importSource(Project& project, const std::filesystem::path& source,
                          const ImportOptions& options, const ImportProgressCallback& progress = {},
                          const std::atomic<bool>* cancel = nullptr);

} // namespace kestrel::dataset
