#include "project_store_jobs.h"

#include "common/error.h"
#include "demo/demo_dataset.h"
#include "open_projects.h"
#include "project/project.h"

namespace kestrel::app {

using dataset::LabelEdit;
using widgets::LabelAction;

namespace {

// The core edit for an action, built where the project can be read (merge and delete
// need the samples of the class).
LabelEdit editFor(Project& project, const LabelAction& action) {
    switch (action.kind) {
    case LabelAction::Kind::AssignClass:
        return dataset::assignClassEdit(action.samples, action.classId);
    case LabelAction::Kind::AssignSplit:
        return dataset::assignSplitEdit(action.samples, action.text.toStdString());
    case LabelAction::Kind::CreateClass:
        return dataset::createClassEdit(project, action.text.toStdString());
    case LabelAction::Kind::RenameClass:
        return dataset::renameClassEdit(project, action.classId, action.text.toStdString());
    case LabelAction::Kind::MergeClasses:
        return dataset::mergeClassesEdit(project, action.classId, action.intoClass);
    case LabelAction::Kind::DeleteClass:
        return dataset::deleteClassEdit(project, action.classId);
    }
    return {};
}

} // namespace

OpenProject::OpenProject(Mode mode, std::filesystem::path folder, std::uint64_t serial,
                         const std::atomic<std::uint64_t>& latestSerial,
                         std::shared_ptr<LabelEditHistory> history, Reply reply)
    : StoreQuery({}, std::move(reply)), mode_(mode), folder_(std::move(folder)), serial_(serial),
      latestSerial_(latestSerial), history_(std::move(history)) {}

void OpenProject::execute(OpenProjects& projects) {
    // A later open asked while this one waited makes it moot: the user's latest wins.
    if (serial_ != latestSerial_.load()) {
        return;
    }
    std::unique_ptr<Project> project;
    switch (mode_) {
    case Mode::Open:
        project = std::make_unique<Project>(Project::open(folder_));
        break;
    case Mode::Create:
        project = std::make_unique<Project>(Project::create(folder_));
        break;
    case Mode::Demo:
        if (std::filesystem::exists(folder_ / Project::kDatabaseFileName)) {
            project = std::make_unique<Project>(Project::open(folder_));
        } else {
            project = std::make_unique<Project>(Project::create(folder_, "Kestrel demo"));
            demo::addDemoData(*project);
        }
        break;
    }
    OpenedProject opened;
    opened.project = {project->folder(), serial_};
    opened.heading = summarizeProjectHeading(*project);
    opened.catalog = std::make_shared<dataset::SampleCatalog>(dataset::loadCatalog(*project));
    projects.replaceOpen(std::move(project), opened.project);
    history_->entries.clear();
    result_ = std::move(opened);
}

ApplyLabelEdit::ApplyLabelEdit(ProjectRef project, std::shared_ptr<LabelEditHistory> history,
                               std::uint64_t token, Step step, LabelAction action, Reply reply)
    : StoreQuery(std::move(project), std::move(reply)), history_(std::move(history)), token_(token),
      step_(step), action_(std::move(action)) {}

void ApplyLabelEdit::perform(Project& project) {
    if (step_ == Step::Apply) {
        const LabelEdit forward = editFor(project, action_);
        const LabelEdit inverse = dataset::applyLabelEdit(project, forward);
        history_->entries[token_] = {this->project(), forward, inverse};
        result_.edit = forward;
    } else {
        const auto found = history_->entries.find(token_);
        if (found == history_->entries.end() ||
            !found->second.project.sameFolder(this->project())) {
            return; // the action itself failed (or was another project's): nothing to undo
        }
        auto& entry = found->second;
        const LabelEdit& edit = step_ == Step::Undo ? entry.inverse : entry.forward;
        const LabelEdit reverse = dataset::applyLabelEdit(project, edit);
        // Redo replays the action; what undoes it is whatever it replaced this time.
        if (step_ == Step::Redo) {
            entry.inverse = reverse;
        }
        result_.edit = edit;
    }
    result_.applied = true;
    const LabelEdit& applied = result_.edit;
    if (!applied.classesToWrite.empty() || !applied.classesToDelete.empty() ||
        !applied.labels.empty() || !applied.shapeClasses.empty()) {
        // Counts per class change with every label and shape; one grouped query, ~ms for 100k
        // labels.
        result_.classes = dataset::loadCatalogClasses(project);
    }
}

void LoadSummary::perform(Project& project) {
    result_ = summarizeProject(project);
}

ImportSource::ImportSource(ProjectRef project, std::filesystem::path source, std::string format,
                           const std::atomic<bool>& cancel, Progress progress, Reply reply)
    : StoreQuery(std::move(project), std::move(reply)), source_(std::move(source)),
      format_(std::move(format)), cancel_(cancel), progress_(std::move(progress)) {}

void ImportSource::perform(Project& project) {
    dataset::ImportOptions options;
    const auto parsed = dataset::parseImportFormat(format_);
    if (!parsed) {
        throw Error(ErrorKind::InvalidArgument, "Import format '" + format_ + "' is not known.");
    }
    options.format = *parsed;
    result_.report = dataset::importSource(project, source_, options, progress_, &cancel_);
    if (!result_.report.cancelled) {
        result_.summary = summarizeProject(project);
        result_.catalog = std::make_shared<dataset::SampleCatalog>(dataset::loadCatalog(project));
    }
}

} // namespace kestrel::app
