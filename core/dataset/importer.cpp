#include "dataset/importer.h"

#include "common/error.h"
#include "dataset/file_reader.h"
#include "dataset/idx_source.h"
#include "project/project.h"
#include "store/sqlite.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace kestrel::dataset {

namespace fs = std::filesystem;

namespace {

constexpr std::array<const char*, 10> kClassColours = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
                                                       "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                                                       "#9c755f", "#bab0ac"};

// Relative to the project folder when the file lies inside it, else absolute.
std::string storedPath(const fs::path& projectFolder, const fs::path& file) {
    const fs::path normal = fs::absolute(file).lexically_normal();
    const fs::path relative = normal.lexically_relative(projectFolder);
    if (!relative.empty() && *relative.begin() != "..") {
        return relative.generic_string();
    }
    return normal.generic_string();
}

std::vector<ImportItem> scanSource(Project& project, const fs::path& source, ImportFormat format,
                                   const ImportOptions& options,
                                   const ImportProgressCallback& progress,
                                   const std::atomic<bool>* cancel) {
    switch (format) {
    case ImportFormat::ImageFolder:
        return scanImageFolder(source);
    case ImportFormat::Folder:
        return scanPlainFolder(source);
    case ImportFormat::Csv:
        return scanCsv(source);
    case ImportFormat::MvTec:
        return scanMvTec(source);
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
        return extractIdx(source, idx);
    }
    case ImportFormat::Auto:
        break;
    }
    throw Error(ErrorKind::InvalidArgument, "No import format was chosen.");
}

std::set<std::string> existingPaths(store::Database& db) {
    std::set<std::string> paths;
    store::Statement query(db, "SELECT path FROM samples");
    while (query.step()) {
        paths.insert(query.columnText(0));
    }
    return paths;
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
// files as given, otherwise sorted (as torchvision's ImageFolder numbers them).
std::vector<std::string> classesInOrder(const std::vector<ImportItem>& items,
                                        const ImportOptions& options) {
    std::set<std::string> seen;
    for (const ImportItem& item : items) {
        if (item.label) {
            seen.insert(*item.label);
        }
    }
    std::vector<std::string> ordered;
    for (const std::string& name : options.classNames) {
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
std::map<std::string, std::int64_t> ensureClasses(store::Database& db,
                                                  const std::vector<std::string>& names,
                                                  std::vector<std::string>& created) {
    std::map<std::string, std::int64_t> ids;
    store::Statement existing(db, "SELECT name, id FROM classes");
    while (existing.step()) {
        ids[existing.columnText(0)] = existing.columnInt(1);
    }
    auto position = db.queryInt("SELECT count(*) FROM classes");
    store::Statement insert(db, "INSERT INTO classes (name, color, hotkey, position) "
                                "VALUES (?1, ?2, ?3, ?4)");
    for (const std::string& name : names) {
        if (ids.count(name)) {
            continue;
        }
        insert.bind(1, name).bind(
            2, std::string_view(
                   kClassColours[static_cast<std::size_t>(position) % kClassColours.size()]));
        if (position < 9) {
            insert.bind(3, position + 1);
        } else {
            insert.bindNull(3);
        }
        insert.bind(4, position).run();
        ids[name] = db.lastInsertRowId();
        created.push_back(name);
        ++position;
    }
    return ids;
}

// Per stratum (class name, or "" for unlabelled): readable samples already in each split.
std::map<std::string, SplitCounts3> existingSplitCounts(store::Database& db) {
    std::map<std::string, SplitCounts3> counts;
    store::Statement query(db, R"sql(
        SELECT coalesce(c.name, ''), s.split, count(*)
        FROM samples s LEFT JOIN labels l ON l.sample_id = s.id
                       LEFT JOIN classes c ON c.id = l.class_id
        WHERE s.status != 'unreadable' AND s.split IS NOT NULL
        GROUP BY 1, 2)sql");
    while (query.step()) {
        const std::string split = query.columnText(1);
        for (std::size_t k = 0; k < kSplitNames.size(); ++k) {
            if (split == kSplitNames[k]) {
                counts[query.columnText(0)][k] = query.columnInt(2);
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
    ImportReport result;
    result.format = options.format == ImportFormat::Auto ? detectFormat(source) : options.format;

    report("scanning", 0, 0);
    std::vector<ImportItem> found =
        scanSource(project, source, result.format, options, progress, cancel);
    result.found = found.size();

    // Skip what an earlier import already brought in: importing twice adds nothing.
    const std::set<std::string> known = existingPaths(db);
    std::vector<ImportItem> items;
    std::vector<std::string> paths;
    for (ImportItem& item : found) {
        std::string path = storedPath(project.folder(), item.file);
        if (known.count(path)) {
            ++result.alreadyPresent;
        } else {
            paths.push_back(std::move(path));
            items.push_back(std::move(item));
        }
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
    const auto classIds = ensureClasses(db, classesInOrder(items, options), result.classesCreated);

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
        planSplits(strata, existingSplitCounts(db), options.ratios, options.seed);
    std::vector<std::optional<std::string>> splits(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (files[i].readable) {
            splits[i] = items[i].split;
        }
    }
    for (std::size_t j = 0; j < unplaced.size(); ++j) {
        splits[unplaced[j]] = kSplitNames[static_cast<std::size_t>(plan[j])];
    }

    store::Statement insertSample(db, R"sql(
        INSERT INTO samples (path, content_hash, width, height, channels, split, status,
                             status_reason)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))sql");
    store::Statement insertLabel(
        db, "INSERT INTO labels (sample_id, class_id, source) VALUES (?1, ?2, 'import')");
    store::Statement insertMask(db, "INSERT INTO annotations (sample_id, class_id, kind, path, "
                                    "source) VALUES (?1, ?2, 'mask', ?3, 'import')");
    for (std::size_t i = 0; i < items.size(); ++i) {
        const ReadFile& file = files[i];
        insertSample.bind(1, paths[i]);
        file.contentHash.empty() ? insertSample.bindNull(2)
                                 : insertSample.bind(2, file.contentHash);
        if (file.readable) {
            insertSample.bind(3, std::int64_t{file.width})
                .bind(4, std::int64_t{file.height})
                .bind(5, std::int64_t{file.channels})
                .bind(6, *splits[i])
                .bind(7, std::string_view("ok"))
                .bindNull(8);
        } else {
            insertSample.bindNull(3)
                .bindNull(4)
                .bindNull(5)
                .bindNull(6)
                .bind(7, std::string_view("unreadable"))
                .bind(8, file.reason);
            result.unreadable.push_back({items[i].file.string(), file.reason});
        }
        insertSample.run();
        const std::int64_t sampleId = db.lastInsertRowId();
        if (items[i].label) {
            insertLabel.bind(1, sampleId).bind(2, classIds.at(*items[i].label)).run();
        }
        for (const fs::path& mask : items[i].masks) {
            insertMask.bind(1, sampleId);
            if (items[i].label) {
                insertMask.bind(2, classIds.at(*items[i].label));
            } else {
                insertMask.bindNull(2);
            }
            insertMask.bind(3, storedPath(project.folder(), mask)).run();
            ++result.masks;
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
    if (!items.empty()) {
        db.execute("UPDATE project SET dataset_version = dataset_version + 1");
    }
    transaction.commit();
    report("saving", items.size(), items.size());

    result.datasetVersion = db.queryInt("SELECT dataset_version FROM project");
    result.duplicates = findDuplicates(db);
    return result;
}

} // namespace kestrel::dataset
