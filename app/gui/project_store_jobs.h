#pragma once

// The store jobs of the open project (ProjectController's): opening, label edits with their
// undo and redo, the overview's counts and imports. A family of small jobs, one file.
#include "dataset/importer.h"
#include "dataset/label_edit.h"
#include "dataset/project_summary.h"
#include "dataset/sample_catalog.h"
#include "label_action.h"
#include "store_job.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace kestrel::app {

// Per undo-stack token: the edit as first applied, what undoes it now, and its project.
// Touched on the writer thread only.
struct LabelEditHistory {
    struct Entry {
        ProjectRef project;
        dataset::LabelEdit forward;
        dataset::LabelEdit inverse;
    };
    std::map<std::uint64_t, Entry> entries;
};

// What the window needs of a project just opened: the heading and the grid (the counts
// follow as LoadSummary).
struct OpenedProject {
    ProjectRef project;
    ProjectSummary heading;
    std::shared_ptr<dataset::SampleCatalog> catalog;
};

// Opens (or creates, or creates the demo in) a folder and makes it the window's project. A
// later open submitted meanwhile makes it moot: the result is then empty and nothing changes.
// A project that fails to open leaves the current one in place.
class OpenProject final : public StoreQuery<std::optional<OpenedProject>> {
public:
    enum class Mode { Open, Create, Demo };
    OpenProject(Mode mode, std::filesystem::path folder, std::uint64_t serial,
                const std::atomic<std::uint64_t>& latestSerial,
                std::shared_ptr<LabelEditHistory> history, Reply reply);
    const char* name() const override { return "opening a project"; }
    void execute(OpenProjects& projects) override;

protected:
    void perform(Project&) override {}

private:
    Mode mode_;
    std::filesystem::path folder_;
    std::uint64_t serial_;
    const std::atomic<std::uint64_t>& latestSerial_;
    std::shared_ptr<LabelEditHistory> history_;
};

// A label action, or the undo or redo of one, in one transaction.
struct AppliedLabelEdit {
    bool applied = false; // false: nothing to undo or redo under that token
    dataset::LabelEdit edit;
    std::optional<std::vector<dataset::CatalogClass>> classes; // when counts per class changed
};

class ApplyLabelEdit final : public StoreQuery<AppliedLabelEdit> {
public:
    enum class Step { Apply, Undo, Redo };
    ApplyLabelEdit(ProjectRef project, std::shared_ptr<LabelEditHistory> history,
                   std::uint64_t token, Step step, widgets::LabelAction action, Reply reply);
    const char* name() const override { return "applying a label edit"; }

protected:
    void perform(Project& project) override;

private:
    std::shared_ptr<LabelEditHistory> history_;
    std::uint64_t token_;
    Step step_;
    widgets::LabelAction action_;
};

class LoadSummary final : public StoreQuery<ProjectSummary> {
public:
    using StoreQuery::StoreQuery;
    const char* name() const override { return "counting the project's samples"; }

protected:
    void perform(Project& project) override;
};

struct ImportedSource {
    dataset::ImportReport report;
    std::optional<ProjectSummary> summary;           // unless cancelled
    std::shared_ptr<dataset::SampleCatalog> catalog; // unless cancelled
};

// An import stays a store job: core's importSource scans and writes in one transaction, and
// labels pressed meanwhile wait for it (the dialog shows its progress and can cancel it).
class ImportSource final : public StoreQuery<ImportedSource> {
public:
    using Progress = std::function<void(const dataset::ImportProgress&)>; // writer thread
    ImportSource(ProjectRef project, std::filesystem::path source, std::string format,
                 const std::atomic<bool>& cancel, Progress progress, Reply reply);
    const char* name() const override { return "importing"; }

protected:
    void perform(Project& project) override;

private:
    std::filesystem::path source_;
    std::string format_;
    const std::atomic<bool>& cancel_;
    Progress progress_;
};

} // namespace kestrel::app
