#include "open_projects.h"

#include "common/error.h"
#include "project/project.h"

namespace kestrel::app {

OpenProjects::OpenProjects() = default;
OpenProjects::~OpenProjects() = default;

Project& OpenProjects::resolve(const ProjectRef& project) {
    if (!project.isOpen()) {
        throw Error(ErrorKind::InvalidArgument, "Open a project first.");
    }
    if (open_ && project.sameFolder(openRef_)) {
        return *open_;
    }
    const std::string key = project.folder.lexically_normal().string();
    auto found = others_.find(key);
    if (found == others_.end()) {
        // Not the window's project any more: written where it belongs, never into the open one.
        found =
            others_.emplace(key, std::make_unique<Project>(Project::open(project.folder))).first;
    }
    return *found->second;
}

void OpenProjects::replaceOpen(std::unique_ptr<Project> project, const ProjectRef& ref) {
    others_.erase(ref.folder.lexically_normal().string()); // one connection per folder
    open_ = std::move(project);
    openRef_ = ref;
}

void OpenProjects::releaseOthers() {
    others_.clear();
}

} // namespace kestrel::app
