#pragma once

#include "store/sqlite.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kestrel::store {

// Paths here are as stored in `samples.path`: relative to the project folder when the file
// lies inside it, else absolute (Project::storedPath / absolutePath convert).

struct ClassRow {
    std::int64_t id = 0;
    std::string name;
    std::string color; // empty: none stored
    int hotkey = 0;    // 0: none stored
    int position = 0;
};

struct ClassWithCount {
    ClassRow row;
    std::int64_t count = 0;
    std::int64_t shapes = 0; // classesWithLabelCounts only: its boxes, polygons and masks
};

// One sample with its label (classId 0: none) as the browser lists it; text columns that
// are NULL in the store are empty here.
struct SampleRow {
    std::int64_t id = 0;
    std::string path;
    int width = 0;
    int height = 0;
    int channels = 0;
    std::string split;
    std::string status; // ok, unreadable, missing
    std::string statusReason;
    std::string contentHash;
    std::int64_t classId = 0;
};

struct LabelledSampleRow {
    std::int64_t id = 0;
    std::string path;
    std::int64_t classId = 0;
};

struct SampleFileRow {
    std::string path;
    std::string contentHash; // empty when unknown
};

struct ImageShapeRow {
    int width = 0;
    int height = 0;
    int channels = 0;
    std::int64_t classId = 0; // its label
};

// Readable samples per split, and how many of them are labelled.
struct SampleCountsRow {
    std::int64_t readable = 0;
    std::int64_t labelled = 0;
    std::int64_t unreadable = 0;
    std::int64_t train = 0;
    std::int64_t val = 0;
    std::int64_t test = 0;
    std::int64_t unassigned = 0;
};

// Readable samples of one split labelled with class `className` ("" for unlabelled).
struct StratumCountRow {
    std::string className;
    std::string split;
    std::int64_t count = 0;
};

struct DuplicateRow {
    std::string contentHash;
    std::string path;
    std::string split; // empty when none
};

// A sample an import adds. An unreadable one keeps its hash (when the bytes could be read)
// and reason, and gets no size or split.
struct NewSample {
    std::string path;
    std::string contentHash; // empty: unknown
    bool readable = false;
    int width = 0;
    int height = 0;
    int channels = 0;
    std::string split;
    std::string reason;
};

// Reads and writes samples, their labels, masks and splits, and the classes. Methods that
// run in loops (imports, label edits, lookups per sample) reuse their prepared statements
// for as long as the repository lives, so make one per operation, not one per call. Writes
// are single statements: callers that need several in one transaction hold a
// store::Transaction around them, and bump ProjectRepository's dataset version inside it.
class SampleRepository {
public:
    explicit SampleRepository(Database& database);
    ~SampleRepository();
    SampleRepository(const SampleRepository&) = delete;
    SampleRepository& operator=(const SampleRepository&) = delete;

    // Classes, in project order (position, then id).
    std::vector<ClassRow> classes();
    // With how many samples each labels, readable or not, and how many shapes it has.
    std::vector<ClassWithCount> classesWithLabelCounts();
    // With how many readable samples each labels.
    std::vector<ClassWithCount> classesWithReadableCounts();
    std::map<std::string, std::int64_t> classIdsByName();
    std::int64_t classCount();
    std::optional<ClassRow> findClass(std::int64_t id);
    // The name of another class (not `exceptId`) called `name`, ignoring case, if any.
    std::optional<std::string> classNamedLike(const std::string& name, std::int64_t exceptId);
    std::int64_t nextClassId();
    int nextClassPosition();
    // Inserts a class with a new id; returns it.
    std::int64_t addClass(const ClassRow& row);
    // Inserts `row` with its id, or updates the class with that id.
    void writeClass(const ClassRow& row);
    void deleteClass(std::int64_t id);

    std::int64_t sampleCount();
    // Every sample with its label, by id.
    std::vector<SampleRow> samples();
    // Readable, labelled samples (of one split, when given), by id.
    std::vector<LabelledSampleRow> labelledSamples(const std::optional<std::string>& split);
    std::set<std::string> storedPaths();
    std::optional<SampleFileRow> sampleFile(std::int64_t id);
    // Sizes of the readable labelled samples training would learn from (train or no split).
    std::vector<ImageShapeRow> trainingImageShapes();
    SampleCountsRow counts();
    std::vector<StratumCountRow> stratumSplitCounts();
    // Readable samples whose content hash another readable sample shares, by hash then path.
    std::vector<DuplicateRow> duplicates();

    std::int64_t addSample(const NewSample& sample);
    void addImportedLabel(std::int64_t sample, std::int64_t classId);
    void addImportedMask(std::int64_t sample, std::optional<std::int64_t> classId,
                         const std::string& path);
    // Every mask annotation as (sample id, stored path), by sample then path.
    std::vector<std::pair<std::int64_t, std::string>> maskFiles();

    // nullopt when there is no such sample; 0 when it is unlabelled.
    std::optional<std::int64_t> labelOf(std::int64_t sample);
    void setUserLabel(std::int64_t sample, std::int64_t classId);
    void removeLabel(std::int64_t sample);
    // nullopt when there is no such sample; empty when it has no split.
    std::optional<std::string> splitOf(std::int64_t sample);
    // An empty split clears it.
    void setSplit(std::int64_t sample, const std::string& split);
    std::int64_t labelCount(std::int64_t classId);
    std::vector<std::int64_t> samplesLabelled(std::int64_t classId);

private:
    Database& db_;
    StatementCache statements_;
};

} // namespace kestrel::store
