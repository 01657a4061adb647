#include "dataset/importer.h"

#include "common/error.h"
#include "dataset/annotation_check.h"
#include "dataset/annotation_sources.h"
#include "dataset/file_reader.h"
#include "dataset/idx_source.h"
#include "dataset/sample_catalog.h"
#include "project/project.h"
#include "store/annotation_repository.h"
#include "store/project_repository.h"
#include "store/sample_repository.h"
#include "store/sqlite.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace kestrel::dataset {

namespace fs = std::filesystem;

namespace {

AnnotatedScan scanSource(Project& project, const fs::path& source, ImportFormat format,
                         const ImportOptions& options, const ImportProgressCallback& progress,
                         const std::atomic<bool>* cancel) {
    switch (format) {
    case ImportFormat::ImageFolder:
        return {scanImageFolder(source), {}, {}};
    case ImportFormat::Folder:
        return {scanPlainFolder(source), {}, {}};
    case ImportFormat::Csv:
        return {scanCsv(source), {}, {}};
    case ImportFormat::MvTec:
        return {scanMvTec(source), {}, {}};
    case ImportFormat::Coco:
        return scanCoco(source, options.imagesFolder);
    case ImportFormat::Yolo:
        return scanYolo(source);
    case ImportFormat::Voc:
        return scanVoc(source);
    case ImportFormat::Labelme:
        return scanLabelme(source);
    case ImportFormat::Idx: {
        IdxOptions idx;
        idx.outputFolder =
            project.folder() / "data" / fs::absolute(source).lexically_normal().filename();
        idx.classNames = options.classNames;
        idx.cancel = cancel;
        idx.progress = [&](std::size_t done, std::size_t total) {
            if (progress) {
                progress({"extracting", done, total});
            }
        };
        return {extractIdx(source, idx), {}, {}};
    }
    case ImportFormat::Auto:
        break;
    }
    throw Error(ErrorKind::InvalidArgument, "No import format was chosen.");
}

// "2" before "10" when both names are numbers (idx labels), else plain text order.
bool classNameBefore(const std::string& a, const std::string& b) {
    const auto isNumber = [](const std::string& s) {
        return !s.empty() && s.size() < 10 &&
               std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
    };
    if (isNumber(a) && isNumber(b)) {
        return std::stol(a) < std::stol(b);
    }
    return a < b;
}

// The classes an import brings, in the order they should be listed: the names given for idx
// files or declared by an annotated source as given, otherwise sorted (as torchvision's
// ImageFolder numbers them).
std::vector<std::string> classesInOrder(const std::vector<ImportItem>& items,
                                        const ImportOptions& options,
                                        const std::vector<std::string>& declared) {
    std::set<std::string> seen(declared.begin(), declared.end());
    for (const ImportItem& item : items) {
        if (item.label) {
            seen.insert(*item.label);
        }
        for (const SourceShape& shape : item.shapes) {
            if (!shape.labelled.className.empty()) {
                seen.insert(shape.labelled.className);
            }
        }
    }
    std::vector<std::string> ordered;
    std::vector<std::string> given = options.classNames;
    given.insert(given.end(), declared.begin(), declared.end());
    for (const std::string& name : given) {
        if (seen.erase(name)) {
            ordered.push_back(name);
        }
    }
    std::vector<std::string> rest(seen.begin(), seen.end());
    std::sort(rest.begin(), rest.end(), classNameBefore);
    ordered.insert(ordered.end(), rest.begin(), rest.end());
    return ordered;
}

// Class ids by name, creating the missing ones (colours and hotkeys 1-9 by position).
std::map<std::string, std::int64_t> ensureClasses(store::SampleRepository& repository,
                                                  const std::vector<std::string>& names,
                                                  std::vector<std::string>& created) {
    std::map<std::string, std::int64_t> ids = repository.classIdsByName();
    auto position = static_cast<int>(repository.classCount());
    for (const std::string& name : names) {
        if (ids.count(name)) {
            continue;
        }
        store::ClassRow row;
        row.name = name;
        row.color = defaultClassColor(static_cast<std::size_t>(position));
        row.hotkey = position < 9 ? position + 1 : 0;
        row.position = position;
        ids[name] = repository.addClass(row);
        created.push_back(name);
        ++position;
    }
    return ids;
}

// Per stratum (class name, or "" for unlabelled): readable samples already in each split.
std::map<std::string, SplitCounts3> existingSplitCounts(store::SampleRepository& repository) {
    std::map<std::string, SplitCounts3> counts;
    for (const store::StratumCountRow& row : repository.stratumSplitCounts()) {
        for (std::size_t k = 0; k < kSplitNames.size(); ++k) {
            if (row.split == kSplitNames[k]) {
                counts[row.className][k] = row.count;
            }
        }
    }
    return counts;
}

} // namespace

ImportReport importSource(Project& project, const fs::path& source, const ImportOptions& options,
                          const ImportProgressCallback& progress, const std::atomic<bool>* cancel) {
    const auto cancelled = [cancel] {
        return cancel && cancel->load();
    };
    const auto report = [&](const char* phase, std::size_t done, std::size_t total) {
        if (progress) {
            progress({phase, done, total});
        }
    };
    store::Database& db = project.database();
    store::SampleRepository repository(db);
    ImportReport result;
    result.format = options.format == ImportFormat::Auto ? detectFormat(source) : options.format;

    report("scanning", 0, 0);
    AnnotatedScan scan = scanSource(project, source, result.format, options, progress, cancel);
    std::vector<ImportItem>& found = scan.items;
    result.found = found.size();
    result.problems = std::move(scan.problems);

    // Skip what an earlier import already brought in: importing twice adds nothing.
    const std::set<std::string> known = repository.storedPaths();
    std::vector<ImportItem> items;
    std::vector<std::string> paths;
    std::size_t shapesOnKnown = 0;
    std::size_t imagesWithShapesKnown = 0;
    for (ImportItem& item : found) {
        std::string path = project.storedPath(item.file);
        if (known.count(path)) {
            ++result.alreadyPresent;
            shapesOnKnown += item.shapes.size();
            imagesWithShapesKnown += item.shapes.empty() ? 0 : 1;
        } else {
            paths.push_back(std::move(path));
            items.push_back(std::move(item));
        }
    }
    if (shapesOnKnown > 0) {
        // Adding them would duplicate the shapes of an earlier import of the same files.
        result.problems.push_back(std::to_string(shapesOnKnown) + " shapes on " +
                                  std::to_string(imagesWithShapesKnown) +
                                  " images the project already has were not imported; remove "
                                  "those samples first to import their shapes again.");
    }
    if (cancelled()) {
        result.cancelled = true;
        return result;
    }

    const std::vector<ReadFile> files = readFiles(
        items, options.workers, [&](std::size_t done) { report("reading", done, items.size()); },
        cancel);
    if (cancelled()) {
        result.cancelled = true;
        return result;
    }

    report("saving", 0, items.size());
    store::Transaction transaction(db);
    const auto classIds = ensureClasses(repository, classesInOrder(items, options, scan.classNames),
                                        result.classesCreated);
    store::AnnotationRepository shapeStore(db);

    // Stratified splits for readable new samples the source did not place.
    std::vector<std::string> strata;
    std::vector<std::size_t> unplaced;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (files[i].readable && !items[i].split) {
            strata.push_back(items[i].label.value_or(""));
            unplaced.push_back(i);
        }
    }
    const std::vector<int> plan =
        planSplits(strata, existingSplitCounts(repository), options.ratios, options.seed);
    std::vector<std::optional<std::string>> splits(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (files[i].readable) {
            splits[i] = items[i].split;
        }
    }
    for (std::size_t j = 0; j < unplaced.size(); ++j) {
        splits[unplaced[j]] = kSplitNames[static_cast<std::size_t>(plan[j])];
    }

    for (std::size_t i = 0; i < items.size(); ++i) {
        const ReadFile& file = files[i];
        store::NewSample sample;
        sample.path = paths[i];
        sample.contentHash = file.contentHash;
        sample.readable = file.readable;
        if (file.readable) {
            sample.width = file.width;
            sample.height = file.height;
            sample.channels = file.channels;
            sample.split = *splits[i];
        } else {
            sample.reason = file.reason;
            result.unreadable.push_back({items[i].file.string(), file.reason});
        }
        const std::int64_t sampleId = repository.addSample(sample);
        std::optional<std::int64_t> classId;
        if (items[i].label) {
            classId = classIds.at(*items[i].label);
            repository.addImportedLabel(sampleId, *classId);
        }
        for (const fs::path& mask : items[i].masks) {
            repository.addImportedMask(sampleId, classId, project.storedPath(mask));
            ++result.masks;
        }
        if (!items[i].shapes.empty() && !file.readable) {
            result.problems.push_back(std::to_string(items[i].shapes.size()) +
                                      " shapes on unreadable image '" + items[i].file.string() +
                                      "' were left out.");
        } else if (!items[i].shapes.empty()) {
            for (annotations::LabelledShape& shape :
                 fitShapesToImage(items[i], file.width, file.height, result.problems)) {
                shape.shape.classId = shape.className.empty() ? 0 : classIds.at(shape.className);
                shape.shape.source = "import";
                shapeStore.insert(sampleId, shape.shape);
                ++(shape.shape.kind == annotations::ShapeKind::Box       ? result.boxes
                   : shape.shape.kind == annotations::ShapeKind::Polygon ? result.polygons
                                                                         : result.maskShapes);
            }
        }
        result.added += file.readable ? 1 : 0;
        if (cancelled()) {
            ImportReport nothing; // the transaction rolls back: nothing was imported
            nothing.format = result.format;
            nothing.found = result.found;
            nothing.cancelled = true;
            return nothing;
        }
    }
    store::ProjectRepository projectRow(db);
    if (!items.empty()) {
        projectRow.bumpDatasetVersion();
    }
    transaction.commit();
    report("saving", items.size(), items.size());

    result.datasetVersion = projectRow.datasetVersion();
    result.duplicates = findDuplicates(db);
    return result;
}

} // namespace kestrel::dataset
