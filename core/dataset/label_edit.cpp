#include "dataset/label_edit.h"

#include "common/error.h"
#include "common/text.h"
#include "dataset/sample_catalog.h"
#include "project/project.h"
#include "store/sqlite.h"

#include <algorithm>
#include <optional>
#include <unordered_set>

namespace kestrel::dataset {

namespace {

using store::Database;
using store::Statement;

std::optional<ClassRecord> findClass(Database& db, std::int64_t id) {
    Statement query(db, "SELECT id, name, COALESCE(color, ''), COALESCE(hotkey, 0), position "
                        "FROM classes WHERE id = ?");
    query.bind(1, id);
    if (!query.step()) {
        return std::nullopt;
    }
    return ClassRecord{query.columnInt(0), query.columnText(1), query.columnText(2),
                       static_cast<int>(query.columnInt(3)), static_cast<int>(query.columnInt(4))};
}

ClassRecord requireClass(Database& db, std::int64_t id) {
    if (auto record = findClass(db, id)) {
        return *record;
    }
    throw Error(ErrorKind::InvalidArgument,
                "There is no class with id " + std::to_string(id) + " in this project.");
}

// Class names are compared without case: "Scratch" and "scratch" would confuse everyone.
void requireFreeName(Database& db, const std::string& name, std::int64_t exceptId) {
    if (name.empty()) {
        throw Error(ErrorKind::InvalidArgument, "A class name cannot be empty.");
    }
    Statement query(db, "SELECT name FROM classes WHERE name = ? COLLATE NOCASE AND id != ?");
    query.bind(1, name).bind(2, exceptId);
    if (query.step()) {
        throw Error(ErrorKind::InvalidArgument,
                    "A class named '" + query.columnText(0) + "' already exists.");
    }
}

[[noreturn]] void throwNoSample(std::int64_t sampleId) {
    throw Error(ErrorKind::InvalidArgument,
                "There is no sample with id " + std::to_string(sampleId) + " in this project.");
}

void requireSplit(const std::string& split) {
    if (!split.empty() && split != "train" && split != "val" && split != "test") {
        throw Error(ErrorKind::InvalidArgument,
                    "Split '" + split + "' is not one of train, val and test.");
    }
}

void writeClasses(Database& db, const std::vector<ClassRecord>& records, LabelEdit& inverse) {
    Statement upsert(db, R"sql(
        INSERT INTO classes (id, name, color, hotkey, position) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, color = excluded.color,
            hotkey = excluded.hotkey, position = excluded.position)sql");
    for (const ClassRecord& record : records) {
        requireFreeName(db, trimmed(record.name), record.id);
        if (auto old = findClass(db, record.id)) {
            inverse.classesToWrite.push_back(*old);
        } else {
            inverse.classesToDelete.push_back(record.id);
        }
        upsert.bind(1, record.id).bind(2, trimmed(record.name));
        record.color.empty() ? upsert.bindNull(3) : upsert.bind(3, record.color);
        record.hotkey == 0 ? upsert.bindNull(4) : upsert.bind(4, std::int64_t{record.hotkey});
        upsert.bind(5, std::int64_t{record.position});
        upsert.run();
    }
}

void writeLabels(Database& db, const std::vector<LabelChange>& changes, LabelEdit& inverse) {
    Statement current(db, "SELECT COALESCE(l.class_id, 0) FROM samples s "
                          "LEFT JOIN labels l ON l.sample_id = s.id WHERE s.id = ?");
    Statement set(db, R"sql(
        INSERT INTO labels (sample_id, class_id, source) VALUES (?, ?, 'user')
        ON CONFLICT (sample_id) DO UPDATE SET class_id = excluded.class_id, source = 'user',
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))sql");
    Statement remove(db, "DELETE FROM labels WHERE sample_id = ?");
    std::unordered_set<std::int64_t> knownClasses;
    for (const LabelChange& change : changes) {
        current.bind(1, change.sampleId);
        if (!current.step()) {
            throwNoSample(change.sampleId);
        }
        inverse.labels.push_back({change.sampleId, current.columnInt(0)});
        current.reset();
        if (change.classId == 0) {
            remove.bind(1, change.sampleId).run();
            continue;
        }
        if (knownClasses.insert(change.classId).second) {
            requireClass(db, change.classId);
        }
        set.bind(1, change.sampleId).bind(2, change.classId).run();
    }
}

void writeSplits(Database& db, const std::vector<SplitChange>& changes, LabelEdit& inverse) {
    Statement current(db, "SELECT COALESCE(split, '') FROM samples WHERE id = ?");
    Statement set(db, "UPDATE samples SET split = ? WHERE id = ?");
    for (const SplitChange& change : changes) {
        requireSplit(change.split);
        current.bind(1, change.sampleId);
        if (!current.step()) {
            throwNoSample(change.sampleId);
        }
        inverse.splits.push_back({change.sampleId, current.columnText(0)});
        current.reset();
        change.split.empty() ? set.bindNull(1) : set.bind(1, change.split);
        set.bind(2, change.sampleId).run();
    }
}

void deleteClasses(Database& db, const std::vector<std::int64_t>& ids, LabelEdit& inverse) {
    Statement remove(db, "DELETE FROM classes WHERE id = ?");
    for (const std::int64_t id : ids) {
        const ClassRecord record = requireClass(db, id);
        Statement users(db, "SELECT count(*) FROM labels WHERE class_id = ?");
        users.bind(1, id);
        users.step();
        if (const std::int64_t count = users.columnInt(0); count > 0) {
            throw Error(ErrorKind::InvalidArgument,
                        "Class '" + record.name + "' still labels " + std::to_string(count) +
                            " samples; relabel them before deleting it.");
        }
        inverse.classesToWrite.push_back(record);
        remove.bind(1, id).run();
    }
}

std::vector<std::int64_t> samplesLabelled(Database& db, std::int64_t classId) {
    Statement query(db, "SELECT sample_id FROM labels WHERE class_id = ? ORDER BY sample_id");
    query.bind(1, classId);
    std::vector<std::int64_t> samples;
    while (query.step()) {
        samples.push_back(query.columnInt(0));
    }
    return samples;
}

} // namespace

LabelEdit applyLabelEdit(Project& project, const LabelEdit& edit) {
    Database& db = project.database();
    LabelEdit inverse;
    if (edit.empty()) {
        return inverse;
    }
    store::Transaction transaction(db);
    writeClasses(db, edit.classesToWrite, inverse);
    writeLabels(db, edit.labels, inverse);
    writeSplits(db, edit.splits, inverse);
    deleteClasses(db, edit.classesToDelete, inverse);
    db.execute("UPDATE project SET dataset_version = dataset_version + 1");
    transaction.commit();
    // Undone last-to-first, so a sample changed twice in one edit gets its first state back.
    std::reverse(inverse.labels.begin(), inverse.labels.end());
    std::reverse(inverse.splits.begin(), inverse.splits.end());
    return inverse;
}

LabelEdit assignClassEdit(const std::vector<std::int64_t>& samples, std::int64_t classId) {
    LabelEdit edit;
    std::unordered_set<std::int64_t> seen;
    for (const std::int64_t sample : samples) {
        if (seen.insert(sample).second) {
            edit.labels.push_back({sample, classId});
        }
    }
    return edit;
}

LabelEdit assignSplitEdit(const std::vector<std::int64_t>& samples, const std::string& split) {
    requireSplit(split);
    LabelEdit edit;
    std::unordered_set<std::int64_t> seen;
    for (const std::int64_t sample : samples) {
        if (seen.insert(sample).second) {
            edit.splits.push_back({sample, split});
        }
    }
    return edit;
}

LabelEdit createClassEdit(Project& project, const std::string& name) {
    Database& db = project.database();
    const std::string clean = trimmed(name);
    requireFreeName(db, clean, 0);
    const std::int64_t classes = db.queryInt("SELECT count(*) FROM classes");
    ClassRecord record;
    record.id = db.queryInt("SELECT COALESCE(max(id), 0) + 1 FROM classes");
    record.name = clean;
    // Stored, so the colour stays with the class when others are deleted around it.
    record.color = defaultClassColor(static_cast<std::size_t>(classes));
    record.position = static_cast<int>(db.queryInt("SELECT COALESCE(max(position), 0) + 1 "
                                                   "FROM classes"));
    LabelEdit edit;
    edit.classesToWrite.push_back(record);
    return edit;
}

LabelEdit renameClassEdit(Project& project, std::int64_t classId, const std::string& name) {
    Database& db = project.database();
    ClassRecord record = requireClass(db, classId);
    record.name = trimmed(name);
    requireFreeName(db, record.name, classId);
    LabelEdit edit;
    edit.classesToWrite.push_back(record);
    return edit;
}

LabelEdit mergeClassesEdit(Project& project, std::int64_t from, std::int64_t into) {
    Database& db = project.database();
    const ClassRecord source = requireClass(db, from);
    requireClass(db, into);
    if (from == into) {
        throw Error(ErrorKind::InvalidArgument,
                    "Class '" + source.name + "' cannot be merged into itself.");
    }
    LabelEdit edit = assignClassEdit(samplesLabelled(db, from), into);
    edit.classesToDelete.push_back(from);
    return edit;
}

LabelEdit deleteClassEdit(Project& project, std::int64_t classId) {
    Database& db = project.database();
    requireClass(db, classId);
    LabelEdit edit = assignClassEdit(samplesLabelled(db, classId), 0);
    edit.classesToDelete.push_back(classId);
    return edit;
}

std::int64_t samplesWithClass(Project& project, std::int64_t classId) {
    Statement query(project.database(), "SELECT count(*) FROM labels WHERE class_id = ?");
    query.bind(1, classId);
    query.step();
    return query.columnInt(0);
}

} // namespace kestrel::dataset
