#pragma once

// The store jobs of the annotation layer (AnnotationController's): a sample's shapes, an
// edit of them with its undo and redo, and what the browser draws and filters by.
#include "annotations/shape.h"
#include "dataset/sample_catalog.h"
#include "shape_edit.h"
#include "store_job.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kestrel::app {

// Per undo-stack token: the edit as first applied and the ids its new shapes got, so undo
// removes exactly them and redo gives them the same ids again. Writer thread only.
struct ShapeEditHistory {
    struct Entry {
        ProjectRef project;
        widgets::ShapeEdit edit;
        std::vector<std::int64_t> insertedIds; // one per id-0 shape of edit.after, in order
    };
    std::map<std::uint64_t, Entry> entries;
};

// One sample's shapes, in the order they were drawn. Masks kept as files (MVTec's ground
// truth) come as RLE, so the viewer draws and edits them like drawn ones; `problems` names
// the files that could not be read.
struct SampleShapes {
    std::int64_t sampleId = 0;
    std::vector<annotations::Shape> shapes;
    std::vector<std::string> problems;
};

class LoadShapes final : public StoreQuery<SampleShapes> {
public:
    LoadShapes(ProjectRef project, std::int64_t sampleId, Reply reply)
        : StoreQuery(std::move(project), std::move(reply)), sampleId_(sampleId) {}
    const char* name() const override { return "reading a sample's shapes"; }

protected:
    void perform(Project& project) override;

private:
    std::int64_t sampleId_;
};

struct AppliedShapeEdit {
    bool applied = false; // false: nothing to undo or redo under that token
    SampleShapes sample;  // the edited sample's shapes after the commit
    // With their shape counts after the commit, when the edit changed them.
    std::optional<std::vector<dataset::CatalogClass>> classes;
};

// A shape edit, or the undo or redo of one, in one transaction.
class ApplyShapeEdit final : public StoreQuery<AppliedShapeEdit> {
public:
    enum class Step { Apply, Undo, Redo };
    ApplyShapeEdit(ProjectRef project, std::shared_ptr<ShapeEditHistory> history,
                   std::uint64_t token, Step step, widgets::ShapeEdit edit, Reply reply);
    const char* name() const override { return "saving a shape edit"; }

protected:
    void perform(Project& project) override;

private:
    std::shared_ptr<ShapeEditHistory> history_;
    std::uint64_t token_;
    Step step_;
    widgets::ShapeEdit edit_;
};

// ShapeKindBits (store/annotation_repository.h) of every sample that has shapes: one grouped
// query, for the browser's filters.
using ShapeKindsBySample = std::unordered_map<std::int64_t, unsigned>;

class LoadShapeKinds final : public StoreQuery<std::shared_ptr<const ShapeKindsBySample>> {
public:
    using StoreQuery::StoreQuery;
    const char* name() const override { return "reading which samples have shapes"; }

protected:
    void perform(Project& project) override;
};

// The shapes of a few samples (those the grid is about to draw).
using ShapesBySample = std::unordered_map<std::int64_t, std::vector<annotations::Shape>>;

class LoadShapesOf final : public StoreQuery<std::shared_ptr<const ShapesBySample>> {
public:
    LoadShapesOf(ProjectRef project, std::vector<std::int64_t> sampleIds, Reply reply)
        : StoreQuery(std::move(project), std::move(reply)), sampleIds_(std::move(sampleIds)) {}
    const char* name() const override { return "reading the shapes of the listed samples"; }

protected:
    void perform(Project& project) override;

private:
    std::vector<std::int64_t> sampleIds_;
};

} // namespace kestrel::app
